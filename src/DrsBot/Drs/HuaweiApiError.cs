using System.Net.Http.Headers;
using System.Text.Json;

namespace DrsBot.Drs;

/// <summary>
/// What Huawei Cloud's APIs say when they refuse: the X-Request-Id support asks for, and an error code and
/// message in whichever shape the answering service uses (DRS <c>error_code</c>/<c>error_msg</c>, the API
/// gateway's <c>code</c>/<c>message</c>, IAM's <c>{"error": {"code", "message"}}</c>).
/// </summary>
internal static partial class HuaweiApiError
{
    /// <summary>
    /// DRS's X-Request-Id, kept only when it looks like one (<c>^[A-Za-z0-9._:-]{1,128}$</c>): it is stored, logged
    /// and shown in Slack, so anything else (mrkdwn, a mention, a megabyte) is dropped rather than passed on.
    /// </summary>
    public static string? RequestId(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("X-Request-Id", out var ids) && ids.Count > 0 && FirstOf(ids) is { } id && IsRequestId(id)
            ? id
            : null;

    private static bool IsRequestId(string id) => RequestIdPattern().IsMatch(id);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial System.Text.RegularExpressions.Regex RequestIdPattern();

    private static string? FirstOf(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return null;
    }

    /// <summary>The code and message, or null when the body is not a JSON object.</summary>
    public static (string? Code, string? Message)? Parse(string body)
    {
        if (!body.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                return (Text(nested, "code"), Text(nested, "message"));
            }

            return (Text(root, "error_code") ?? Text(root, "code"), Text(root, "error_msg") ?? Text(root, "message"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString()
            : null;
}
