using System.Text.Json;
using System.Text.Json.Nodes;

namespace DrsBot.Demo;

/// <summary>One line of the local console: a typed command, a reply, or a message posted to the channel.</summary>
public sealed record ConsoleEntry(long Id, long Seq, string Kind, string Channel, string? User, JsonNode Message, DateTimeOffset At);

/// <summary>
/// What the local console shows, newest last. Entries carry a sequence number that grows on every change, so
/// the page asks only for what changed since its last look (and sees replaced acknowledgements update in place).
/// </summary>
public sealed class ConsoleFeed(TimeProvider time)
{
    public const string Channel = "C0DEMO";
    public const string ChannelName = "demo-migration";
    private const int Keep = 300;
    private readonly Lock _lock = new();
    private readonly List<ConsoleEntry> _entries = [];
    private long _ids;
    private long _seq;

    public long Add(string kind, string channel, string? user, JsonNode message)
    {
        lock (_lock)
        {
            var entry = new ConsoleEntry(++_ids, ++_seq, kind, channel, user, message, time.GetUtcNow());
            _entries.Add(entry);
            if (_entries.Count > Keep)
            {
                _entries.RemoveAt(0);
            }

            return entry.Id;
        }
    }

    public bool Replace(long id, string kind, JsonNode message)
    {
        lock (_lock)
        {
            var index = _entries.FindIndex(e => e.Id == id);
            if (index < 0)
            {
                return false;
            }

            _entries[index] = _entries[index] with { Seq = ++_seq, Kind = kind, Message = message, At = time.GetUtcNow() };
            return true;
        }
    }

    // response_url id → the console entry its reply occupies (0 until there is one).
    private readonly Dictionary<string, long> _replies = [];

    /// <summary>Reserves a response_url slot for one command's reply and follow-ups.</summary>
    public string OpenReply()
    {
        var id = Guid.NewGuid().ToString("N");
        lock (_lock)
        {
            _replies[id] = 0;
        }

        return id;
    }

    /// <summary>
    /// Records a reply or follow-up for a slot; one marked replace_original takes the place of the earlier one.
    /// False when the slot is unknown. An acknowledgement arriving after its own follow-up is dropped.
    /// </summary>
    public bool Reply(string replyId, JsonNode message, bool isFollowUp)
    {
        var kind = message["response_type"]?.GetValue<string>() == Slack.SlackMessage.InChannel ? "in_channel" : "ephemeral";
        lock (_lock)
        {
            if (!_replies.TryGetValue(replyId, out var entry))
            {
                return false;
            }

            if (entry != 0 && !isFollowUp)
            {
                return true;
            }

            if (entry != 0 && message["replace_original"]?.GetValue<bool>() == true && Replace(entry, kind, message))
            {
                return true;
            }

            _replies[replyId] = Add(kind, Channel, null, message);
            return true;
        }
    }

    /// <summary>The response_url slot whose reply occupies this entry, so a button on it can replace it; null if none.</summary>
    public string? SlotOf(long entryId)
    {
        lock (_lock)
        {
            return _replies.FirstOrDefault(r => r.Value == entryId).Key;
        }
    }

    public IReadOnlyList<ConsoleEntry> Since(long seq)
    {
        lock (_lock)
        {
            return [.. _entries.Where(e => e.Seq > seq).OrderBy(e => e.Id)];
        }
    }

    public static JsonNode Parse(string json) => JsonNode.Parse(json) ?? new JsonObject();

    public static JsonNode ToNode(Slack.SlackMessage message) => JsonSerializer.SerializeToNode(message, Slack.SlackJson.Message) ?? new JsonObject();
}
