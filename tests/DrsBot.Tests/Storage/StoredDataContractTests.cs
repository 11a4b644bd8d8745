using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DrsBot.Storage;
using DrsBot.Tests.Deployment;
using DrsBot.Watching;

namespace DrsBot.Tests.Storage;

/// <summary>
/// Stored data is a contract (issue 30): every property of what PostgreSQL keeps (a watch record, a pace history,
/// and everything inside them) has an explicit JSON name, so renaming a C# property can never silently become a data
/// migration that only a restart would reveal.
/// </summary>
public sealed class StoredDataContractTests
{
    [Fact]
    public void Every_stored_property_has_an_explicit_json_name()
    {
        var missing = new List<string>();
        var seen = new HashSet<Type>();
        foreach (var root in new[] { typeof(WatchRecord), typeof(PaceHistory) })
        {
            Walk(root, seen, missing);
        }

        Assert.True(missing.Count == 0, "No [JsonPropertyName] or [JsonIgnore]: " + string.Join(", ", missing));
        Assert.Contains(typeof(Subscription), seen);
        Assert.Contains(typeof(PendingNotification), seen);
        Assert.Contains(typeof(RuleState), seen);
    }

    /// <summary>
    /// Issue 33: a comparison of the default profile is stored exactly as before profiles (no "profile" property, the
    /// same key), so every stored watch is the default profile's; another profile's carries its name in both.
    /// </summary>
    [Fact]
    public void The_default_profile_is_stored_as_before_and_another_profile_by_name()
    {
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var old = new ComparisonRef("job-1", "cmp-1");

        Assert.Equal("""{"jobId":"job-1","compareJobId":"cmp-1"}""", System.Text.Json.JsonSerializer.Serialize(old, options));
        Assert.Equal("job-1:cmp-1", old.Key);
        Assert.Equal(old, new ComparisonRef("job-1", "cmp-1", ComparisonRef.DefaultProfile)); // "default" is the same watch
        Assert.Equal("default", old.ProfileName);

        var staging = new ComparisonRef("job-1", "cmp-1", "staging");
        Assert.NotEqual(old, staging); // the same ids in two projects: two watches
        Assert.Equal("staging:job-1:cmp-1", staging.Key);
        Assert.Equal(staging, ComparisonRef.FromKey(staging.Key));
        Assert.Equal(old, ComparisonRef.FromKey(old.Key));
        var json = System.Text.Json.JsonSerializer.Serialize(staging, options);
        Assert.Equal("""{"jobId":"job-1","compareJobId":"cmp-1","profile":"staging"}""", json);
        Assert.Equal(staging, System.Text.Json.JsonSerializer.Deserialize<ComparisonRef>(json, options));
        Assert.Null(ComparisonRef.FromKey("Staging:job-1:cmp-1")); // profile names are lower case
        Assert.Null(ComparisonRef.FromKey("a:b:c:d"));
    }

    /// <summary>A record as the version of 2026-12-05 stored it (its derived fields included), read by this one.</summary>
    [Fact]
    public void A_record_stored_by_the_previous_version_reads_the_same()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "watch-record.v2026-12-05.json"));

        var record = JsonSerializer.Deserialize(json, Stored)!;

        Assert.Equal(new DrsBot.Watching.ComparisonRef("job-1", "cmp-1"), record.Comparison);
        Assert.Equal(ComparisonRef.DefaultProfile, record.Comparison.ProfileName); // stored before profiles: the default one
        var subscription = Assert.Single(record.Subscriptions);
        Assert.Equal(("T0TEAM", "C0OPS", "1700000000.000100"), (subscription.TeamId, subscription.ChannelId, subscription.ThreadTs));
        Assert.Equal(["<!here>"], subscription.Mentions.ToArray());
        Assert.Equal(1, subscription.Rules.FailureStreak);
        var pending = Assert.Single(subscription.Pending);
        Assert.Equal((NotificationKind.FullComplete, 2, false), (pending.Kind, pending.Attempts, pending.MaybePosted));
        Assert.Contains("Full comparison complete", pending.MessageJson, StringComparison.Ordinal);
        Assert.Equal(100, record.LastProgress!.Full!.Progress);
        Assert.Equal(5, record.LastProgress.RowsToRecheck);
        Assert.Equal("DRS.00000001", record.LastFailure!.Code);
        Assert.True(record.NeedsPolling);

        // Written back, every name it had is still there (the derived fields are no longer stored).
        var again = JsonNode.Parse(JsonSerializer.Serialize(record, Stored))!;
        var before = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        foreach (var name in new[] { "createdAt", "lastProgress", "lastReadAt", "pace", "lastFailure", "lastFailureAt", "goneAt" })
        {
            Assert.Equal(before[name]?.ToJsonString(), again[name]?.ToJsonString());
        }

        Assert.Equal(before["comparison"]!["jobId"]!.ToJsonString(), again["comparison"]!["jobId"]!.ToJsonString());
        Assert.Equal(before["comparison"]!["compareJobId"]!.ToJsonString(), again["comparison"]!["compareJobId"]!.ToJsonString());
        Assert.Equal("T0TEAM", again["subscriptions"]![0]!["teamId"]!.GetValue<string>()); // what PostgreSQL's queries read
        Assert.Single(again["subscriptions"]![0]!["pending"]!.AsArray());
    }

    [Fact]
    public void A_channel_paused_under_the_old_name_is_still_paused_and_is_written_under_the_new_one()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "watch-record.v2026-12-05.json"))
            .Replace("\"suspendedReason\": null", "\"suspendedReason\": \"not_in_channel\"", StringComparison.Ordinal)
            .Replace("\"suspendedAt\": null", "\"suspendedAt\": \"2026-12-05T09:00:00+00:00\"", StringComparison.Ordinal);

        var subscription = Assert.Single(JsonSerializer.Deserialize(json, Stored)!.Subscriptions);

        Assert.True(subscription.IsPaused);
        Assert.Equal("not_in_channel", subscription.PausedReason);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero), subscription.PausedAt);
        var written = JsonSerializer.Serialize(subscription, PostgreSqlWatchStore.StoredJson.Default.Subscription);
        Assert.Contains("\"pausedReason\":\"not_in_channel\"", written, StringComparison.Ordinal);
        Assert.DoesNotContain("suspended", written, StringComparison.Ordinal);
    }

    /// <summary>
    /// The store reads through source-generated metadata, which sets every init-only property, one missing from the JSON
    /// to its type's default (null for a list) rather than to the value the type declares. So each stored property in
    /// turn is left out of a captured record, and what the store reads must be what the types declare: the same as
    /// System.Text.Json's reflection reader, which keeps declared values, reads.
    /// </summary>
    [Theory]
    [InlineData("watch-record.v2026-12-05.json")]
    [InlineData("watch-record.v2026-12-06.json")]
    public void A_record_missing_any_stored_property_reads_as_the_types_declare(string file)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", file)))!;
        var reflection = (JsonTypeInfo<WatchRecord>)new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() }
            .GetTypeInfo(typeof(WatchRecord));
        var paths = Paths(json, "$").ToList();
        Assert.True(paths.Count > 60, $"only {paths.Count} properties found in {file}");

        foreach (var (path, name) in paths)
        {
            var copy = json.DeepClone();
            Find(copy, path).AsObject().Remove(name);
            var text = copy.ToJsonString();
            Assert.True(Read(text, reflection) == Read(text, Stored), $"{file} without {path}.{name}: the store read {Read(text, Stored)}");
        }

        static string Read(string text, JsonTypeInfo<WatchRecord> reader)
        {
            try
            {
                return JsonSerializer.Serialize(JsonSerializer.Deserialize(text, reader)!, Stored);
            }
            catch (Exception e) when (e is JsonException or NullReferenceException or ArgumentException)
            {
                return "throws " + e.GetType().Name;
            }
        }
    }

    private static readonly JsonTypeInfo<WatchRecord> Stored = PostgreSqlWatchStore.StoredJson.Default.WatchRecord;

    /// <summary>Every property of every object in the tree: the path of its object, and its name.</summary>
    private static IEnumerable<(string Path, string Name)> Paths(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    yield return (path, name);
                    if (value is not null)
                    {
                        foreach (var inner in Paths(value, path + "." + name))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item)
                    {
                        foreach (var inner in Paths(item, $"{path}[{i}]"))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
        }
    }

    private static JsonNode Find(JsonNode root, string path)
    {
        var node = root;
        foreach (System.Text.RegularExpressions.Match step in System.Text.RegularExpressions.Regex.Matches(path[1..], @"\.([^.\[]+)|\[(\d+)\]"))
        {
            node = step.Groups[1].Success ? node[step.Groups[1].Value]! : node[int.Parse(step.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)]!;
        }

        return node;
    }

    private static void Walk(Type type, HashSet<Type> seen, List<string> missing)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                Walk(argument, seen, missing);
            }

            return;
        }

        if (type.Assembly != typeof(WatchRecord).Assembly || type.IsEnum || !seen.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is null)
            {
                missing.Add($"{type.Name}.{property.Name}");
            }

            Walk(property.PropertyType, seen, missing);
        }
    }
}
