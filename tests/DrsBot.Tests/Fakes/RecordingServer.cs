using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// A loopback server that only counts what reaches it: the "anywhere else" a hostile <c>response_url</c> or a
/// redirect might point DrsBot at. <c>/redirect</c> answers 302 to <c>Location</c> from its query.
/// </summary>
public sealed class RecordingServer : LoopbackServer
{
    public ConcurrentQueue<string> Requests { get; } = new();

    protected override void Map(WebApplication app)
    {
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapPost("/redirect", (string to) => Results.Redirect(to));
        app.Map("/{**path}", (HttpContext http) =>
        {
            Requests.Enqueue($"{http.Request.Method} {http.Request.Path}");
            return Results.Ok();
        });
    }
}
