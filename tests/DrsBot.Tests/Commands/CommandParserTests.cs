using DrsBot.Commands;
using DrsBot.Tests.Deployment;
using DrsBot.Watching;

namespace DrsBot.Tests.Commands;

public sealed class CommandParserTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("help")]
    [InlineData("HELP")]
    public void Help_or_nothing_gives_usage(string text) => Assert.IsType<HelpCommand>(CommandParser.Parse(text));

    [Fact]
    public void Two_ids_ask_for_progress_including_the_api_pages_non_uuid_job_id()
    {
        var command = Assert.IsType<ProgressCommand>(
            CommandParser.Parse("  9cbfd380-bdb1-43b2-9db9-3de2987jb201   b13b233a-4b9e-4b06-a928-19a0c93f6109 "));
        Assert.Equal(new ComparisonRef("9cbfd380-bdb1-43b2-9db9-3de2987jb201", "b13b233a-4b9e-4b06-a928-19a0c93f6109"), command.Comparison);
    }

    [Fact]
    public void Subscribe_takes_ids_then_mentions()
    {
        var command = Assert.IsType<SubscribeCommand>(
            CommandParser.Parse("subscribe job_1 cmp-2 <@U024BE7LH|alice> <!subteam^SAZ94GDB8|@db-oncall> <!here> <@U024BE7LH|alice>"));
        Assert.Equal(new ComparisonRef("job_1", "cmp-2"), command.Comparison);
        Assert.Equal(["<@U024BE7LH|alice>", "<!subteam^SAZ94GDB8|@db-oncall>", "<!here>"], command.Mentions);
    }

    [Fact]
    public void Unsubscribe_and_list_parse() 
    {
        Assert.Equal(new ComparisonRef("a", "b"), Assert.IsType<UnsubscribeCommand>(CommandParser.Parse("unsubscribe a b")).Comparison);
        Assert.IsType<ListCommand>(CommandParser.Parse("list"));
    }

    [Theory]
    [InlineData("a b c", "Too many")]
    [InlineData("frobnicate me now", "Too many")]
    [InlineData("../etc passwd", "not valid")]
    [InlineData("a/b c", "not valid")]
    [InlineData("a b?x=1", "not valid")]
    [InlineData("a b#frag", "not valid")]
    [InlineData("a%2F..%2F b", "not valid")]
    [InlineData("jób b", "not valid")]
    [InlineData("a\u0000b c", "not valid")]
    [InlineData("subscribe a", "needs")]
    [InlineData("subscribe a b alice", "not a Slack mention")]
    [InlineData("subscribe a b <@U1|x><!channel>", "not a Slack mention")]
    [InlineData("unsubscribe a", "needs")]
    [InlineData("unsubscribe a b c", "needs")]
    [InlineData("list everything", "takes no arguments")]
    [InlineData("$(reboot)", "not a command or a valid DRS job id")]
    [InlineData("../../v3/jobs", "not a command or a valid DRS job id")]
    [InlineData("digest", "digest HH:MM")]
    [InlineData("digest 9am", "not a time of day")]
    [InlineData("digest 24:00", "not a time of day")]
    [InlineData("digest 09:60", "not a time of day")]
    [InlineData("digest 09:00 Mars/Olympus_Mons", "not a time zone")]
    [InlineData("digest 09:00 ../../etc/passwd", "not a time zone")]
    [InlineData("digest 09:00 UTC extra", "digest HH:MM")]
    public void Anything_else_is_refused_with_a_reason(string text, string reason)
    {
        var command = Assert.IsType<InvalidCommand>(CommandParser.Parse(text));
        Assert.Contains(reason, command.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("job-1 cmp-1", null, null)]                      // no profile named, none set for the channel: the default
    [InlineData("job-1 cmp-1", "staging", "staging")]            // the channel's
    [InlineData("staging:job-1 cmp-1", null, "staging")]         // named: wins over the channel's
    [InlineData("Staging:job-1 cmp-1", "prod", "staging")]
    [InlineData("default:job-1 cmp-1", "staging", null)]         // the default, named, in a channel that uses another
    [InlineData("subscribe staging:job-1 cmp-1 <!here>", null, "staging")]
    [InlineData("tables staging:job-1 cmp-1", null, "staging")]
    [InlineData("snooze staging:job-1 cmp-1 2h", null, "staging")]
    [InlineData("unsubscribe job-1 cmp-1", "staging", "staging")]
    public void A_job_id_may_name_its_profile_and_otherwise_is_in_the_channels(string text, string? channelProfile, string? profile)
    {
        var comparison = CommandParser.Parse(text, channelProfile) switch
        {
            ProgressCommand p => p.Comparison,
            SubscribeCommand s => s.Comparison,
            TablesCommand t => t.Comparison,
            SnoozeCommand z => z.Comparison,
            UnsubscribeCommand u => u.Comparison,
            var other => throw new Xunit.Sdk.XunitException($"parsed as {other}"),
        };

        Assert.Equal(new ComparisonRef("job-1", "cmp-1", profile), comparison);
        Assert.Equal(("job-1", "staging"), (Assert.IsType<JobCommand>(CommandParser.Parse("staging:job-1")).JobId, CommandParser.Parse("staging:job-1") is JobCommand j ? j.Profile : null));
    }

    [Theory]
    [InlineData("bad_profile:job-1 cmp-1", "not `profile:job_id`")]
    [InlineData(":job-1 cmp-1", "not `profile:job_id`")]
    [InlineData("staging: cmp-1", "not `profile:job_id`")]
    [InlineData("a:b:c cmp-1", "not `profile:job_id`")]
    [InlineData("use two words", "use <profile>")]
    [InlineData("use Bad_Name", "not a profile name")]
    public void A_malformed_profile_is_refused_with_a_reason(string text, string reason) =>
        Assert.Contains(reason, Assert.IsType<InvalidCommand>(CommandParser.Parse(text)).Problem, StringComparison.Ordinal);

    [Fact]
    public void Use_sets_or_shows_the_channels_profile()
    {
        Assert.Equal("staging", Assert.IsType<UseCommand>(CommandParser.Parse("use Staging")).Profile);
        Assert.Null(Assert.IsType<UseCommand>(CommandParser.Parse("use")).Profile);
    }

    [Fact]
    public void One_id_asks_for_the_job()
    {
        Assert.Equal("9cbfd380-bdb1-43b2-9db9-3de2987jb201", Assert.IsType<JobCommand>(CommandParser.Parse(" 9cbfd380-bdb1-43b2-9db9-3de2987jb201 ")).JobId);
        Assert.IsType<InvalidCommand>(CommandParser.Parse(new string('a', 65)));
    }

    [Theory]
    [InlineData("digest 09:00", 9, 0, "UTC")]
    [InlineData("digest 7:30 Asia/Singapore", 7, 30, "Asia/Singapore")]
    [InlineData("DIGEST 23:59 America/Argentina/Buenos_Aires", 23, 59, "America/Argentina/Buenos_Aires")]
    [InlineData("digest 00:00 Etc/GMT+5", 0, 0, "Etc/GMT+5")]
    public void Digest_takes_a_time_and_an_optional_iana_zone(string text, int hour, int minute, string zone)
    {
        var digest = Assert.IsType<DigestCommand>(CommandParser.Parse(text));
        Assert.Equal(new TimeOnly(hour, minute), digest.At);
        Assert.Equal(zone, digest.TimeZone.Id);
    }

    [Fact]
    public void Digest_off_parses() => Assert.IsType<DigestOffCommand>(CommandParser.Parse("digest OFF"));

    [Fact]
    public void Ids_longer_than_64_characters_are_refused()
    {
        Assert.IsType<ProgressCommand>(CommandParser.Parse($"{new string('a', 64)} b"));
        Assert.IsType<InvalidCommand>(CommandParser.Parse($"{new string('a', 65)} b"));
    }

    [Fact]
    public void Oversized_text_is_refused_without_splitting_it() =>
        Assert.IsType<InvalidCommand>(CommandParser.Parse(new string('a', CommandParser.MaxTextLength + 1)));

    [Fact]
    public void Echoed_input_is_clipped_and_cannot_break_out_of_code_formatting()
    {
        var command = Assert.IsType<InvalidCommand>(CommandParser.Parse("`<!channel>`" + new string('x', 100)));
        Assert.DoesNotContain("``", command.Problem, StringComparison.Ordinal);
        Assert.True(command.Problem.Length < 120);
    }

    [Theory]
    [InlineData("30m", 30)]
    [InlineData("2h", 120)]
    [InlineData("1h30m", 90)]
    [InlineData("1d", 1440)]
    [InlineData("7d", 10080)]
    [InlineData("2H", 120)]
    public void Snooze_takes_a_length_of_a_minute_to_seven_days(string length, int minutes)
    {
        var snooze = Assert.IsType<SnoozeCommand>(CommandParser.Parse($"snooze job-1 cmp-1 {length}"));
        Assert.Equal((new ComparisonRef("job-1", "cmp-1"), TimeSpan.FromMinutes(minutes)), (snooze.Comparison, snooze.For));
    }

    [Theory]
    [InlineData("snooze job-1 cmp-1 8d")]
    [InlineData("snooze job-1 cmp-1 0m")]
    [InlineData("snooze job-1 cmp-1 -1h")]
    [InlineData("snooze job-1 cmp-1 h")]
    [InlineData("snooze job-1 cmp-1 99999999999m")]
    [InlineData("snooze job-1 cmp-1")]
    [InlineData("snooze job-1 ../x 2h")]
    [InlineData("snooze job-1 cmp-1 2h extra")]
    public void Snooze_refuses_lengths_and_ids_it_cannot_use(string text) =>
        Assert.IsType<InvalidCommand>(CommandParser.Parse(text));

    [Theory]
    [InlineData("snooze job-1 cmp-1 off")]
    [InlineData("snooze off job-1 cmp-1")]
    [InlineData("unsnooze job-1 cmp-1")]
    public void Snooze_off_ends_a_snooze(string text) =>
        Assert.Equal(new ComparisonRef("job-1", "cmp-1"), Assert.IsType<UnsnoozeCommand>(CommandParser.Parse(text)).Comparison);

    [Fact]
    public void Tables_takes_exactly_two_ids()
    {
        Assert.Equal(new ComparisonRef("job-1", "cmp-1"), Assert.IsType<TablesCommand>(CommandParser.Parse("tables job-1 cmp-1")).Comparison);
        Assert.IsType<InvalidCommand>(CommandParser.Parse("tables job-1"));
        Assert.IsType<InvalidCommand>(CommandParser.Parse("tables job-1 cmp-1 more"));
    }
}
