using System.Text;
using DrsBot.Slack;

namespace DrsBot.Tests.Slack;

public sealed class SlackSignatureTests
{
    // Slack's published worked example (docs: "Verifying requests from Slack").
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string Expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly DateTimeOffset Then = DateTimeOffset.FromUnixTimeSeconds(1531420618);
    private static byte[] BodyBytes => Encoding.UTF8.GetBytes(Body);

    [Fact]
    public void Reproduces_Slacks_published_example() =>
        Assert.Equal(Expected, SlackSignature.Compute(Secret, Timestamp, BodyBytes));

    [Fact]
    public void Accepts_the_published_example_within_the_window()
    {
        Assert.True(SlackSignature.IsValid(Secret, Timestamp, Expected, BodyBytes, Then.AddSeconds(299)));
        Assert.True(SlackSignature.IsValid(Secret, Timestamp, Expected, BodyBytes, Then.AddSeconds(-299)));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(86400)]
    public void Rejects_a_stale_or_future_timestamp(int offsetSeconds) =>
        Assert.False(SlackSignature.IsValid(Secret, Timestamp, Expected, BodyBytes, Then.AddSeconds(offsetSeconds)));

    [Fact]
    public void Rejects_a_tampered_body()
    {
        var tampered = Encoding.UTF8.GetBytes(Body.Replace("text=", "text=evil", StringComparison.Ordinal));
        Assert.False(SlackSignature.IsValid(Secret, Timestamp, Expected, tampered, Then));
    }

    [Fact]
    public void Rejects_the_wrong_secret() =>
        Assert.False(SlackSignature.IsValid(Secret + "x", Timestamp, Expected, BodyBytes, Then));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B50")]
    [InlineData("v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504")]
    public void Rejects_missing_or_garbled_signatures(string? signature) =>
        Assert.False(SlackSignature.IsValid(Secret, Timestamp, signature, BodyBytes, Then));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-number")]
    [InlineData("-1531420618")]
    [InlineData("1531420618.5")]
    [InlineData("99999999999999999999")]
    public void Rejects_missing_or_garbled_timestamps(string? timestamp) =>
        Assert.False(SlackSignature.IsValid(Secret, timestamp, Expected, BodyBytes, Then));

    [Fact]
    public void Rejects_everything_when_no_secret_is_configured() =>
        Assert.False(SlackSignature.IsValid("", Timestamp, Expected, BodyBytes, Then));
}
