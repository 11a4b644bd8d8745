namespace DrsBot.Infrastructure;

public static class UriExtensions
{
    /// <summary>
    /// A base address that keeps its path when relative URIs are resolved against it
    /// (<c>https://host/api</c> + <c>chat.postMessage</c> would otherwise lose <c>api</c>).
    /// </summary>
    public static Uri AsBaseAddress(this Uri uri)
    {
        var text = uri.ToString();
        return text.EndsWith('/') ? uri : new Uri(text + "/");
    }
}
