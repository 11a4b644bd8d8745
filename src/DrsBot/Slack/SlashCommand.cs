using System.Text;

namespace DrsBot.Slack;

/// <summary>The fields of a slash command we use; the deprecated <c>token</c> is ignored on purpose.</summary>
public sealed record SlashCommand(
    string TeamId,
    string ChannelId,
    string ChannelName,
    string UserId,
    string Command,
    string Text,
    Uri? ResponseUrl,
    bool IsSslCheck = false)
{
    /// <summary>
    /// A button press turned into its command: it was acknowledged already, so its work runs to the end and its
    /// answer goes to <see cref="ResponseUrl"/>, with no second acknowledgement.
    /// </summary>
    public bool FromButton { get; init; }

    /// <summary>Set for Enterprise Grid workspaces; kept with a subscription beside the team id.</summary>
    public string? EnterpriseId { get; init; }

    /// <summary>The form fields a slash command is read from, in the order <see cref="FromForm"/> reads them.</summary>
    private static readonly string[] Names =
        ["team_id", "channel_id", "channel_name", "user_id", "command", "text", "response_url", "ssl_check", "enterprise_id"];

    public static SlashCommand FromForm(byte[] body)
    {
        // Slack sends about fifteen fields and a command uses these nine: the rest are skipped, not decoded.
        var values = new string?[Names.Length];
        ReadFields(body, Names, values);
        string Field(int index) => values[index] ?? "";

        Uri.TryCreate(Field(6), UriKind.Absolute, out var responseUrl);
        if (responseUrl is not null && responseUrl.Scheme != Uri.UriSchemeHttps && responseUrl.Scheme != Uri.UriSchemeHttp)
        {
            responseUrl = null;
        }

        return new SlashCommand(Field(0), Field(1), Field(2), Field(3), Field(4), Field(5), responseUrl, Field(7) == "1")
        {
            EnterpriseId = values[8] is { Length: > 0 } enterprise ? enterprise : null,
        };
    }

    /// <summary>
    /// The values of the fields named in <paramref name="names"/>, read as <see cref="ParseForm"/> reads them (a
    /// repeated name's values joined with ','), into <paramref name="values"/> at the same index; null when absent.
    /// Only these values are decoded: every other field is passed over in its bytes.
    /// </summary>
    public static void ReadFields(ReadOnlySpan<byte> body, string[] names, string?[] values)
    {
        var rest = body;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var equals = pair.IndexOf((byte)'=');
            var index = pair.IsEmpty ? -1 : IndexOfName(equals < 0 ? pair : pair[..equals], names);
            if (index < 0)
            {
                continue;
            }

            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            values[index] = values[index] is { } earlier ? earlier + "," + value : value;
        }
    }

    private static int IndexOfName(ReadOnlySpan<byte> encoded, string[] names)
    {
        if (encoded.IndexOfAny((byte)'%', (byte)'+') >= 0)
        {
            return Array.IndexOf(names, Decode(encoded)); // an encoded name: Slack sends none, so the slow way is fine
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (Ascii.Equals(encoded, names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// An <c>application/x-www-form-urlencoded</c> body as name → value (a repeated name's values joined with ','),
    /// read straight from the bytes: only what is percent-encoded is decoded, and nothing is copied twice.
    /// </summary>
    public static Dictionary<string, string> ParseForm(byte[] body)
    {
        var form = new Dictionary<string, string>(16, StringComparer.Ordinal);
        var rest = body.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf((byte)'=');
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            form[name] = form.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        }

        return form;
    }

    /// <summary>'+' is a space and %XX a byte; a '%' not followed by two hex digits is kept as it is.</summary>
    private static string Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return Encoding.UTF8.GetString(encoded);
        }

        Span<byte> decoded = encoded.Length <= 1024 ? stackalloc byte[encoded.Length] : new byte[encoded.Length];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'+')
            {
                decoded[length++] = (byte)' ';
            }
            else if (b == (byte)'%' && i + 2 < encoded.Length && HexValue(encoded[i + 1]) is var high and >= 0 && HexValue(encoded[i + 2]) is var low and >= 0)
            {
                decoded[length++] = (byte)((high << 4) | low);
                i += 2;
            }
            else
            {
                decoded[length++] = b;
            }
        }

        return Encoding.UTF8.GetString(decoded[..length]);
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
