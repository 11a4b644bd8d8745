using System.Text.Json;
using DrsBot.Features.Notifications;
using DrsBot.Features.Progress;
using DrsBot.Features.Shared;
using DrsBot.Features.Subscriptions;
using DrsBot.Slack;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;

namespace DrsBot.Tests.Rendering;

/// <summary>
/// DRS may omit any object and any field. Every combination must still render as a message Slack accepts:
/// all 2^10 presence patterns of the compare-progress fields, through every renderer that shows progress.
/// </summary>
public sealed class EveryShapeIsValidTests
{
    private static CompareProgress Shape(int bits)
    {
        bool On(int bit) => (bits & (1 << bit)) != 0;
        var full = On(0) ? new FullCompareInfo(On(1) ? 42.5 : null, On(2) ? "1MB/s" : null, On(3) ? 3 : null) : null;
        var incre = On(4) ? new IncrementalCompareInfo(On(5) ? 0 : null, On(6) ? "2MB/s" : null, On(7) ? 10 : null, On(8) ? "lp:1" : null, On(5) ? 0 : null) : null;
        var global = On(9) ? new GlobalCompareInfo(On(2) ? "3MB/s" : null) : null;
        return new CompareProgress(full, incre, global);
    }

    private static void AssertSlackAccepts(SlackMessage message) =>
        BlockKit.AssertValid(JsonDocument.Parse(JsonSerializer.Serialize(message, SlackJson.Options)).RootElement);

    [Fact]
    public void Every_presence_pattern_renders_a_valid_message()
    {
        var comparison = new ComparisonRef("job", "cmp");
        var at = DateTimeOffset.UnixEpoch;
        var subscription = new Subscription(comparison, "C1", ["<!here>"], "U1", at, new RuleState());
        for (var bits = 0; bits < 1 << 10; bits++)
        {
            var progress = Shape(bits);
            AssertSlackAccepts(ProgressMessages.Render(comparison, progress, at));
            AssertSlackAccepts(SubscriptionMessages.Subscribed("U1", comparison, ["<!here>"], updated: false, progress, at));
            foreach (var kind in Enum.GetValues<NotificationKind>())
            {
                AssertSlackAccepts(NotificationMessages.Render(kind, subscription, progress, new DrsFailure(DrsFailureKind.ServiceError), 3, at));
            }
        }
    }

    [Fact]
    public void Every_failure_kind_renders_a_valid_message_with_or_without_details()
    {
        foreach (var kind in Enum.GetValues<DrsFailureKind>())
        {
            AssertSlackAccepts(FailureMessages.Render(new("j", "c"), new DrsFailure(kind), DateTimeOffset.UnixEpoch));
            AssertSlackAccepts(FailureMessages.Render(new("j", "c"), new DrsFailure(kind, 500, "X.1", new string('m', 5000), "r"), DateTimeOffset.UnixEpoch));
        }
    }
}
