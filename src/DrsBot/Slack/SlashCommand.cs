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

    /// <summary>The form fields a slash command is read from.</summary>
    private static readonly string[] Names =
        ["team_id", "channel_id", "channel_name", "user_id", "command", "text", "response_url", "ssl_check", "enterprise_id"];

    public static SlashCommand FromForm(ReadOnlySpan<byte> body)
    {
        // Slack sends about fifteen fields and a command uses these nine: the rest are skipped, not decoded.
        var fields = new FieldValues(); // a slot per name in Names, on the stack: an array per command otherwise
        Span<string?> values = fields;
        ReadFields(body, Names, values);
        string Field(Span<string?> values, string name) => values[Array.IndexOf(Names, name)] ?? "";

        return new SlashCommand(
            Field(values, "team_id"), Field(values, "channel_id"), Field(values, "channel_name"), Field(values, "user_id"),
            Field(values, "command"), Field(values, "text"), ResponseUrlOf(Field(values, "response_url")), Field(values, "ssl_check") == "1")
        {
            EnterpriseId = Field(values, "enterprise_id") is { Length: > 0 } enterprise ? enterprise : null,
        };
    }

    /// <summary>An absolute http(s) URL, or null: where the answer may go is still checked against the allowed prefixes.</summary>
    public static Uri? ResponseUrlOf(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) ? url : null;

    [System.Runtime.CompilerServices.InlineArray(9)]
    private struct FieldValues
    {
        private string? _first;
    }

    /// <summary>
    /// An <c>application/x-www-form-urlencoded</c> body as name → value (a repeated name's values joined with ','),
    /// read straight from the bytes: only what is percent-encoded is decoded, and nothing is copied twice.
    /// </summary>
    public static Dictionary<string, string> ParseForm(ReadOnlySpan<byte> body)
    {
        var form = new Dictionary<string, string>(16, StringComparer.Ordinal);
        for (var pairs = new FormPairs(body); pairs.MoveNext();)
        {
            var name = Decode(pairs.Name);
            var value = Decode(pairs.Value);
            form[name] = form.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        }

        return form;
    }

    /// <summary>
    /// The values of the fields named in <paramref name="names"/>, read as <see cref="ParseForm"/> reads them, into
    /// <paramref name="values"/> at the same index; null when absent. Every other field is passed over in its bytes.
    /// </summary>
    private static void ReadFields(ReadOnlySpan<byte> body, string[] names, Span<string?> values)
    {
        for (var pairs = new FormPairs(body); pairs.MoveNext();)
        {
            if (IndexOfName(pairs.Name, names) is var index and >= 0)
            {
                var value = Decode(pairs.Value);
                values[index] = values[index] is { } earlier ? earlier + "," + value : value;
            }
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
    /// The name=value pairs of a form body, still encoded, empty ones skipped (a pair without '=' has an empty
    /// value): the one reading of the format that both <see cref="ParseForm"/> and <see cref="FromForm"/> use.
    /// </summary>
    private ref struct FormPairs
    {
        private ReadOnlySpan<byte> _rest;

        public FormPairs(ReadOnlySpan<byte> body) => _rest = body;

        public ReadOnlySpan<byte> Name { get; private set; }

        public ReadOnlySpan<byte> Value { get; private set; }

        public bool MoveNext()
        {
            while (!_rest.IsEmpty)
            {
                var end = _rest.IndexOf((byte)'&');
                var pair = end < 0 ? _rest : _rest[..end];
                _rest = end < 0 ? [] : _rest[(end + 1)..];
                if (pair.IsEmpty)
                {
                    continue;
                }

                var equals = pair.IndexOf((byte)'=');
                Name = equals < 0 ? pair : pair[..equals];
                Value = equals < 0 ? [] : pair[(equals + 1)..];
                return true;
            }

            return false;
        }
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
