using System.Text;
using Microsoft.AspNetCore.WebUtilities;

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

    public static SlashCommand FromForm(byte[] body)
    {
        var form = ParseForm(body);
        string Field(string name) => form.TryGetValue(name, out var value) ? value : "";

        Uri.TryCreate(Field("response_url"), UriKind.Absolute, out var responseUrl);
        if (responseUrl is not null && responseUrl.Scheme != Uri.UriSchemeHttps && responseUrl.Scheme != Uri.UriSchemeHttp)
        {
            responseUrl = null;
        }

        return new SlashCommand(
            Field("team_id"), Field("channel_id"), Field("channel_name"), Field("user_id"),
            Field("command"), Field("text"), responseUrl, Field("ssl_check") == "1")
        {
            EnterpriseId = form.TryGetValue("enterprise_id", out var enterprise) && enterprise.Length > 0 ? enterprise : null,
        };
    }

    public static Dictionary<string, string> ParseForm(byte[] body)
    {
        var parsed = QueryHelpers.ParseNullableQuery(Encoding.UTF8.GetString(body));
        return parsed is null
            ? []
            : parsed.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
    }
}
