using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using DrsBot.Commands;
using DrsBot.Drs;
using DrsBot.Drs.Auth;
using DrsBot.Features.Digest;
using DrsBot.Features.Help;
using DrsBot.Features.Jobs;
using DrsBot.Features.Notifications;
using DrsBot.Features.Progress;
using DrsBot.Features.Shared;
using DrsBot.Slack;
using DrsBot.Tests.Deployment;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DrsBot.Tests.Properties;

/// <summary>
/// Properties over generated inputs (CsCheck): what must hold for every input, not just the examples in the other
/// tests. A failure prints the smallest input CsCheck could shrink it to, with the seed to replay it.
/// </summary>
public sealed class PropertyTests
{
    private const string Hostile = "abcXYZ019-_ /?#%&<>@!|^`*:;.,'\"\\\t\n\u0000\u00e9\u4e2d\u202e";

    private static readonly Gen<string> AnyText = Gen.String[Gen.Char[Hostile], 0, 120];
    private static readonly Gen<string> ValidId = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"], 1, ComparisonRef.MaxIdLength];
    private static readonly Gen<string> HostileDrsText = Gen.OneOf(
        AnyText,
        Gen.Const("<!channel> <@U123> <!subteam^S1|x> &amp; `code` *bold* <https://evil.example|click>"),
        Gen.String[Gen.Char[Hostile], 2900, 5200]);

    // ---------- the command parser ----------

    [Fact]
    public void The_parser_never_throws_and_only_valid_ids_come_out_of_it() =>
        Gen.OneOf(AnyText, Gen.Select(Gen.OneOf("subscribe ", "unsubscribe ", "digest ", "", "list ", "tables ", "snooze ", "snooze job-1 cmp-1 ", "unsnooze "), AnyText, (a, b) => a + b))
            .Sample(text =>
            {
                var command = CommandParser.Parse(text);
                var ids = command switch
                {
                    ProgressCommand p => [p.Comparison.JobId, p.Comparison.CompareJobId],
                    SubscribeCommand s => [s.Comparison.JobId, s.Comparison.CompareJobId],
                    UnsubscribeCommand u => [u.Comparison.JobId, u.Comparison.CompareJobId],
                    TablesCommand t => [t.Comparison.JobId, t.Comparison.CompareJobId],
                    SnoozeCommand z => [z.Comparison.JobId, z.Comparison.CompareJobId],
                    UnsnoozeCommand z => [z.Comparison.JobId, z.Comparison.CompareJobId],
                    JobCommand j => [j.JobId],
                    _ => Array.Empty<string>(),
                };
                Assert.All(ids, id => Assert.True(ComparisonRef.IsValidId(id), $"'{id}' from '{text}'"));
                if (command is InvalidCommand invalid)
                {
                    Assert.True(invalid.Problem.Length < 400);
                    Assert.DoesNotContain('\u0000', invalid.Problem);
                }
            }, iter: 5000);

    [Fact]
    public void Any_two_valid_ids_round_trip_through_the_parser() =>
        Gen.Select(ValidId, ValidId, Gen.OneOf(" ", "  ", "\t", " \n ")).Sample((job, cmp, gap) =>
        {
            // The command words are reserved, in any case: a job id spelled like one is read as the command (and is
            // reached as default:<id>, checked below).
            if (job.ToLowerInvariant() is "help" or "list" or "ls" or "subscribe" or "watch" or "unsubscribe" or "unwatch" or "digest"
                or "tables" or "snooze" or "unsnooze" or "use")
            {
                Assert.Equal(new ComparisonRef(job, cmp), Assert.IsType<ProgressCommand>(CommandParser.Parse($"default:{job}{gap}{cmp}")).Comparison);
                return;
            }

            Assert.Equal(new ComparisonRef(job, cmp), Assert.IsType<ProgressCommand>(CommandParser.Parse($" {job}{gap}{cmp} ")).Comparison);
            Assert.Equal(new ComparisonRef(job, cmp), Assert.IsType<SubscribeCommand>(CommandParser.Parse($"subscribe {job}{gap}{cmp}")).Comparison);
        }, iter: 2000);

    /// <summary>Issue 33: any valid profile before any valid job id names the comparison in that profile, and its key reads back.</summary>
    [Fact]
    public void A_profile_and_two_valid_ids_round_trip_through_the_parser_and_the_key() =>
        Gen.Select(Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, ComparisonRef.MaxProfileLength], ValidId, ValidId).Sample((profile, job, cmp) =>
        {
            var expected = new ComparisonRef(job, cmp, profile);
            var parsed = Assert.IsType<ProgressCommand>(CommandParser.Parse($"{profile}:{job} {cmp}", channelProfile: "elsewhere")).Comparison;
            Assert.Equal(expected, parsed);
            Assert.Equal(expected, ComparisonRef.FromKey(parsed.Key));
            Assert.Equal(profile == ComparisonRef.DefaultProfile ? null : profile, parsed.Profile);
        }, iter: 2000);

    [Fact]
    public void A_form_reads_back_as_it_was_encoded_and_as_asp_net_core_reads_it() =>
        Gen.Dictionary(Gen.String[Gen.Char[Hostile], 1, 12], AnyText)[0, 12].Sample(fields =>
        {
            var body = new FormUrlEncodedContent(fields).ReadAsByteArrayAsync().Result;
            var parsed = SlashCommand.ParseForm(body);
            Assert.Equal(fields.OrderBy(f => f.Key, StringComparer.Ordinal), parsed.OrderBy(f => f.Key, StringComparer.Ordinal));
            var reference = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
            Assert.Equal(reference.ToDictionary(p => p.Key, p => p.Value.ToString()).OrderBy(f => f.Key, StringComparer.Ordinal),
                parsed.OrderBy(f => f.Key, StringComparer.Ordinal));
        }, iter: 2000);

    [Fact]
    public void A_slash_command_reads_its_fields_as_the_whole_form_does() =>
        // Names from the command's own fields and from any others, some repeated; values hostile; any order.
        Gen.Select(Gen.OneOf(Gen.OneOf("team_id", "channel_id", "channel_name", "user_id", "command", "text", "response_url",
                        "ssl_check", "enterprise_id", "token", "trigger_id", "team_id_", "Text"), Gen.String[Gen.Char[Hostile], 1, 12]),
                    AnyText, (name, value) => new KeyValuePair<string, string>(name, value))
            .Array[0, 16].Sample(fields =>
            {
                var body = new FormUrlEncodedContent(fields).ReadAsByteArrayAsync().Result;
                var form = SlashCommand.ParseForm(body);
                string Field(string name) => form.TryGetValue(name, out var value) ? value : "";

                var command = SlashCommand.FromForm(body);
                Assert.Equal(
                    (Field("team_id"), Field("channel_id"), Field("channel_name"), Field("user_id"), Field("command"), Field("text"),
                        Field("ssl_check") == "1", Field("enterprise_id") is { Length: > 0 } e ? e : null),
                    (command.TeamId, command.ChannelId, command.ChannelName, command.UserId, command.Command, command.Text,
                        command.IsSslCheck, command.EnterpriseId));
                Uri.TryCreate(Field("response_url"), UriKind.Absolute, out var url);
                Assert.Equal(url is { Scheme: "http" or "https" } ? url : null, command.ResponseUrl);
            }, iter: 3000);

    [Fact]
    public void Any_bytes_as_a_slash_command_never_throw() =>
        Gen.Byte.Array[0, 300].Sample(body => SlashCommand.FromForm(body), iter: 5000);

    [Fact]
    public void Any_bytes_as_a_form_never_throw() =>
        Gen.Byte.Array[0, 300].Sample(body => SlashCommand.ParseForm(body), iter: 5000);

    // ---------- the Slack signature verifier ----------

    [Fact]
    public void A_slack_signature_verifies_and_any_changed_byte_or_secret_does_not() =>
        Gen.Select(Gen.Byte.Array[0, 600], Gen.String[Gen.Char.AlphaNumeric, 8, 40], Gen.Int[-290, 290], Gen.Int[0, 1000])
            .Sample((body, secret, skew, position) =>
            {
                var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
                var timestamp = (now.ToUnixTimeSeconds() + skew).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var signature = SlackSignature.Compute(secret, timestamp, body);
                Assert.True(SlackSignature.IsValid(secret, timestamp, signature, body, now));
                Assert.False(SlackSignature.IsValid(secret + "x", timestamp, signature, body, now));
                Assert.False(SlackSignature.IsValid(secret, timestamp, signature, body, now.AddSeconds(skew + 301)));
                if (body.Length > 0)
                {
                    var tampered = (byte[])body.Clone();
                    tampered[position % body.Length] ^= 0x01;
                    Assert.False(SlackSignature.IsValid(secret, timestamp, signature, tampered, now));
                }
            }, iter: 2000);

    // ---------- the AK/SK signer against the separately written gateway verifier ----------

    private static readonly Gen<string> Segment = Gen.String[Gen.Char["abcXYZ019-_.~ %:@!$&'()*+,;=\u00e9\u4e2d"], 1, 12];

    private static readonly Gen<(string Key, string Value)> QueryPair =
        Gen.Select(Gen.String[Gen.Char["abc_xyz019-.~"], 1, 8], Gen.String[Gen.Char["abcXYZ019-_.~ /:*+\u00e9"], 0, 10]);

    [Fact]
    public void Every_request_the_signer_signs_verifies_at_the_gateway() =>
        Gen.Select(Segment.Array[1, 5], QueryPair.Array[0, 4], Gen.String[Gen.Char.AlphaNumeric, 8, 40]).Sample((segments, query, secret) =>
        {
            var path = "/" + string.Join("/", segments.Select(Uri.EscapeDataString));
            var queryString = query.Length == 0 ? "" : "?" + string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
            var signed = Sign(new Uri("https://drs.example.com" + path + queryString), secret);

            Assert.True(AkSkVerifier.Verify(AsGatewaySees(signed), "AK", secret, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)),
                $"{path}{queryString} did not verify");
            Assert.False(AkSkVerifier.Verify(AsGatewaySees(signed), "AK", secret + "x", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)));
        }, iter: 1000);

    // The handler signs DrsBot's own requests (a simple path, no query, no body) in one pass; any other request goes
    // through the guide's steps. Both must give the same header for the same request, whatever its values.
    [Fact]
    public void The_one_pass_signature_is_the_guides_signature() =>
        Gen.Select(Gen.Select(Gen.String[Gen.Char["abcXYZ019-_.~"], 1, 20].Array[1, 6], Gen.Bool, Gen.Bool, Gen.Bool),
                Gen.Select(Gen.String[Gen.Char["abcdef0123456789 \t"], 1, 40], Gen.String[Gen.Char.AlphaNumeric, 1, 30], Gen.String[Gen.Char["abcXYZ019+/=é \u00e9"], 0, 60]),
                Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 40], Gen.String[Gen.Char["abcXYZ019!@#é\u00e9 "], 1, 300], Gen.Long[0, 4_000_000_000]))
            .Sample((shape, values, keys) =>
            {
                var ((segments, trailingSlash, hasContentType, hasToken), (project, host, token), (accessKey, secretKey, seconds)) = (shape, values, keys);
                var path = "/" + string.Join("/", segments) + (trailingSlash ? "/" : "");
                var contentType = hasContentType ? "application/json" : null;
                var securityToken = hasToken && token.Length > 0 ? token : null;
                var date = AkSkSigner.FormatDate(DateTimeOffset.FromUnixTimeSeconds(seconds));
                Assert.True(AkSkSigner.IsSimplePath(path));

                var signed = new Dictionary<string, string> { ["host"] = host, ["x-sdk-date"] = date, ["x-project-id"] = project };
                if (securityToken is not null)
                {
                    signed["x-security-token"] = securityToken;
                }

                if (contentType is not null)
                {
                    signed["content-type"] = contentType;
                }

                var guide = AkSkSigner.AuthorizationHeader(accessKey, signed.Keys,
                    AkSkSigner.Signature(AkSkSigner.StringToSign(AkSkSigner.CanonicalRequest("GET", path, "", signed, []), date), secretKey));
                Assert.Equal(guide, AkSkSigner.AuthorizationForSimpleRequest("GET", path, contentType, host, project, date, securityToken, accessKey, secretKey));
            }, iter: 3000);

    private static HttpRequestMessage Sign(Uri uri, string secret)
    {
        var handler = new AkSkSigningHandler(
            Options.Create(new DrsOptions { ProjectId = "proj", Auth = new() { Mode = DrsAuthMode.AkSk, AccessKey = "AK", SecretKey = secret } }),
            new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)))
        {
            InnerHandler = new Answer(),
        };
        using var invoker = new HttpMessageInvoker(handler);
        var request = new HttpRequestMessage(HttpMethod.Get, uri) { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        invoker.SendAsync(request, CancellationToken.None).GetAwaiter().GetResult().Dispose();
        return request;
    }

    private static HttpRequest AsGatewaySees(HttpRequestMessage signed)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = signed.Method.Method;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = signed.RequestUri!.PathAndQuery;
        foreach (var (name, values) in signed.Headers.Concat(signed.Content!.Headers))
        {
            context.Request.Headers[name] = string.Join(",", values);
        }

        context.Request.Headers.Host = signed.Headers.Host ?? signed.RequestUri.Host;
        context.Request.Body = new MemoryStream();
        return context.Request;
    }

    private sealed class Answer : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
    }

    // ---------- the rule engine ----------

    private static readonly Gen<Observation> AnObservation = Gen.Frequency(
        (6, Gen.Select(Gen.OneOf(Gen.Double[0, 100], Gen.OneOf(0d, 50d, 89.9, 90d, 99.9, 100d)), Gen.OneOf(Gen.Double[0, 60], Gen.OneOf(0d, 0.4, 31d)),
                Gen.OneOf(0L, 0L, 0L, 3L), Gen.Bool, Gen.Bool)
            .Select(Observation (full, delay, recheck, hasFull, hasIncre) => new Reading(new CompareProgress(
                hasFull || !hasIncre ? new FullCompareInfo(full, "1MB/s", recheck) : null,
                hasIncre ? new IncrementalCompareInfo(delay, "1MB/s", 1, "lp", 0) : null,
                null)))),
        (2, Gen.OneOf(DrsFailureKind.ServiceError, DrsFailureKind.Timeout, DrsFailureKind.Throttled).Select(Observation (k) => new Failed(new DrsFailure(k)))),
        (1, Gen.Const((Observation)new Failed(new DrsFailure(DrsFailureKind.NotFound)))));

    [Fact]
    public void No_sequence_of_readings_announces_the_same_transition_twice_without_a_re_arm() =>
        Gen.Select(AnObservation.Array[1, 60], Gen.Int[1, 40]).Sample((observations, minutesPerPoll) =>
        {
            var settings = new RuleSettings(StallAfter: TimeSpan.FromMinutes(30));
            var state = RuleState.Baseline(new CompareProgress(new FullCompareInfo(0, null, 0), new IncrementalCompareInfo(10, null, null, null, 0), null));
            var at = DateTimeOffset.UnixEpoch;
            var since = new Dictionary<NotificationKind, bool>(); // re-armed since the last announcement?
            var recheckZeros = 0;
            double? lastFull = null;
            foreach (var observation in observations)
            {
                at = at.AddMinutes(minutesPerPoll);
                var decision = WatchRules.Decide(state, observation, settings, at);
                foreach (var kind in decision.Notifications)
                {
                    Assert.True(since.GetValueOrDefault(kind, true), $"{kind} announced twice without a re-arm");
                    since[kind] = false;
                }

                if (observation is Reading { Progress: var p })
                {
                    if (p.Full?.Progress is < 90)
                    {
                        since[NotificationKind.FullComplete] = true;
                    }

                    if (p.Incremental?.Delay is > 0)
                    {
                        since[NotificationKind.CaughtUp] = true;
                    }

                    recheckZeros = p.RowsToRecheck is 0 ? recheckZeros + 1 : 0;
                    if (recheckZeros >= settings.RecheckRearmAfterZeroPolls)
                    {
                        since[NotificationKind.RecheckNeeded] = true;
                    }

                    since[NotificationKind.DrsFailing] = true;
                    since[NotificationKind.FallingBehind] = true; // rising needs a reading; the rules re-arm on a fall, checked below
                    // Moving, complete, or no full progress at all: not stalled, so the next stall is news.
                    if (p.Full?.Progress is not { } f || f >= 100 || f != lastFull)
                    {
                        since[NotificationKind.Stalled] = true;
                    }

                    lastFull = p.Full?.Progress ?? lastFull;
                }
                else
                {
                    since[NotificationKind.DrsRecovered] = true;
                }

                if (decision.Notifications.Contains(NotificationKind.DrsRecovered))
                {
                    Assert.True(state.OutageAnnounced, "recovered without an outage announced");
                }

                state = decision.State;
                if (decision.StopWatching)
                {
                    Assert.Contains(NotificationKind.ComparisonGone, decision.Notifications);
                    break;
                }
            }
        }, iter: 3000);

    // ---------- the renderers ----------

    private static readonly Gen<CompareProgress> AnyProgress = Gen.Select(
            Gen.OneOf(Gen.Const((double?)null), Gen.Double[-10, 1000].Select(d => (double?)d)), HostileDrsText, Gen.Long[0, long.MaxValue],
            Gen.OneOf(Gen.Const((double?)null), Gen.Double[0, 1e9].Select(d => (double?)d)), HostileDrsText, Gen.Bool)
        .Select((full, speed, rows, delay, logPoint, both) => new CompareProgress(
            new FullCompareInfo(full, speed, rows),
            both ? new IncrementalCompareInfo(delay, speed, rows, logPoint, rows) : null,
            both ? new GlobalCompareInfo(speed) : null));

    private static readonly Gen<DrsFailure> AnyFailure = Gen.Select(Gen.Enum<DrsFailureKind>(), HostileDrsText, HostileDrsText, Gen.Int[100, 599])
        .Select((kind, code, message, status) => new DrsFailure(kind, status, code, message, "req-<!here>"));

    private static readonly Gen<JobView> AnyJob = Gen.Select(HostileDrsText, HostileDrsText,
            Gen.Select(HostileDrsText, HostileDrsText, Gen.OneOf("RUNNING", "SUCCESSFUL", "FULL_DOING", "weird<!here>"), HostileDrsText)
                .Select((id, type, status, error) => new CompareTaskInfo(id, type, status, "2026-11-28T10:00:00Z", error, error)).Array[0, 60],
            Gen.Int[0, 10_000])
        .Select((name, status, tasks, total) => new JobView("job-1",
            new JobDetail("job-1", status, name, new JobBaseInfo(name, status, name, status), [new JobEndpoint(name)], null, null, null),
            null, tasks, total, null));

    private static void AssertSafe(SlackMessage message)
    {
        // Replies go through the generated serializer; reflection with the same options must write the same bytes.
        var reflection = new JsonSerializerOptions(SlackJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        Assert.Equal(JsonSerializer.Serialize(message, reflection), System.Text.Encoding.UTF8.GetString(SlackReply.Write(message)));

        var json = JsonSerializer.SerializeToElement(message, SlackJson.Options);
        BlockKit.AssertValid(json);
        var text = JsonText.Strings(json);
        // Whatever DRS wrote is escaped: it cannot ping, link or open an angle-bracket token.
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!here>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<@U123>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reply_writer_matches_the_serializer_for_help_plain_in_channel_and_replacing_messages()
    {
        foreach (var message in new[]
                 {
                     HelpMessages.Help(), HelpMessages.SlowDown(), HelpMessages.Invalid("`x` is \"odd\" <!here>"),
                     new SlackMessage("plain, no blocks"), new SlackMessage("é 😀 \u0001 </script>") { ReplaceOriginal = true }.AsInChannel(),
                     new SlackMessage("no type") { ResponseType = null },
                 })
        {
            AssertSafe(message);
        }
    }

    // ---------- reading DRS's answer ----------

    // Names as DRS writes them, in other cases, escaped, beyond ASCII (OrdinalIgnoreCase matches 'ı' to 'I'), or unknown.
    private static readonly Gen<string> AnswerName = Gen.OneOf(
        Gen.OneOf("full_info", "incre_info", "global_info", "progress", "src_speed", "recheck_entities", "delay", "rps", "log_point"),
        Gen.OneOf("FULL_INFO", "Incre_Info", "Delay", "RPS", "\\u0066ull_info", "d\\u0065lay", "full_\u0131nfo", "log_po\u0131nt",
            "extra", "src-speed", "progress2", "Extra", "\u00e9t\u00e9", "", " "));

    private static readonly Gen<string> AnswerScalar = Gen.OneOf(
        Gen.OneOf("null", "true", "false", "0", "-0", "100", "9.58", "1e400", "-1e400", "1e-400", "12345678901234567890", "-9223372036854775808",
            "1.0", "1E2", "\"12\"", "\"9.58\"", "\"NaN\"", "\" 1\"", "\"\"", "\"0.00B/s\"", "\"caf\\u00e9\"", "\"a\\\"b\"", "[]", "[1,{}]", "{}"),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0"),
        Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        AnyText.Select(text => JsonSerializer.Serialize(text)));

    private static Gen<string> AnswerObject(Gen<string> value) =>
        Gen.Select(AnswerName, value, (name, v) => $"\"{name}\":{v}").Array[0, 7].Select(members => "{" + string.Join(",", members) + "}");

    // An answer shaped as DRS documents it: each field present or not, null or of its type, unknown fields among them.
    private static Gen<string> Member(string name, Gen<string> value) =>
        Gen.Select(Gen.Int[0, 3], value, (present, v) => present == 0 ? "" : $"\"{name}\":{v}");

    private static Gen<string> Members(params Gen<string>[] members) =>
        members.Aggregate(Gen.Const(""), (all, member) => Gen.Select(all, member, (a, b) => a.Length == 0 || b.Length == 0 ? a + b : a + "," + b))
            .Select(inside => "{" + inside + "}");

    private static readonly Gen<string> AnswerNumber = Gen.OneOf(Gen.OneOf("null", "0", "100", "9.58", "-3"),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1"));

    private static readonly Gen<string> AnswerCount = Gen.OneOf(Gen.OneOf("null", "0", "1"), Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> AnswerText = Gen.OneOf(Gen.OneOf("null", "\"0.00B/s\""), Gen.OneOf(AnyText, HostileDrsText).Select(text => JsonSerializer.Serialize(text)));

    private static readonly Gen<string> DocumentedAnswer = Members(
        Member("full_info", Members(Member("progress", AnswerNumber), Member("src_speed", AnswerText), Member("recheck_entities", AnswerCount), Member("extra", AnswerScalar))),
        Member("incre_info", Members(Member("delay", AnswerNumber), Member("src_speed", AnswerText), Member("rps", AnswerCount),
            Member("log_point", AnswerText), Member("recheck_entities", AnswerCount))),
        Member("global_info", Members(Member("src_speed", AnswerText), Member("unknown_field", AnswerObject(AnswerScalar)))),
        Member("job_id", AnswerText));

    private static readonly Gen<string> AnswerJson = Gen.Select(
        Gen.OneOf(DocumentedAnswer, AnswerObject(Gen.OneOf(AnswerScalar, AnswerObject(AnswerScalar)))),
        Gen.OneOf("", "", "", " \n", " x", "{}", ",", "/* c */"),
        (json, tail) => json + tail);

    /// <summary>The source-generated reader reads DRS's answers as the reflection-based serializer with the same options does.</summary>
    [Fact]
    public void Drs_answers_read_as_the_serializer_reads_them()
    {
        var reflection = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        AnswerJson.Sample(json =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            CompareProgress? expected;
            try
            {
                expected = JsonSerializer.Deserialize<CompareProgress>(bytes, reflection);
            }
            catch (JsonException)
            {
                Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CompareProgress>(bytes, DrsJson.Options));
                return;
            }

            Assert.Equal(expected, JsonSerializer.Deserialize<CompareProgress>(bytes, DrsJson.Options));
        }, iter: 20_000);
    }

    // Cards write code spans, dates and numbers straight into the text they are part of (CodeText, DateText…). Written
    // after any prefix, so also where the buffer has to grow part-way, each must read exactly as the rule it implements.
    [Fact]
    public void Code_dates_and_numbers_written_into_a_text_read_as_their_rules_say() =>
        Gen.Select(Gen.OneOf(AnyText, HostileDrsText), Gen.String[Gen.Char["ab"], 0, 600], Gen.Long[-62135596800, 253402300799], Gen.Double)
            .Sample((text, prefix, seconds, number) =>
            {
                var escaped = text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                    .Replace(">", "&gt;", StringComparison.Ordinal);
                Assert.Equal(escaped, Mrkdwn.Escape(text));
                var code = "`" + escaped.Replace('`', 'ˋ') + "`";
                Assert.Equal(code, Mrkdwn.Code(text));
                Assert.Equal(prefix + code, $"{prefix}{new CodeText(text)}");

                var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
                var date = $"<!date^{seconds}^{{date_short_pretty}} {{time_secs}}|" +
                           at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC>";
                Assert.Equal(date, Mrkdwn.Date(at));
                Assert.Equal(prefix + date, $"{prefix}{new DateText(at)}");

                var percent = Math.Clamp(number, 0, 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %";
                Assert.Equal(percent, Format.Percent(number));
                Assert.Equal(prefix + percent, $"{prefix}{new PercentText(number)}");
                var secondsText = number.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " s";
                Assert.Equal(secondsText, Format.Seconds(number));
                Assert.Equal(prefix + secondsText, $"{prefix}{new SecondsText(number)}");
            }, iter: 2000);

    [Fact]
    public void Every_rendered_message_is_within_block_kit_limits_and_escapes_what_drs_wrote()
    {
        var comparison = new ComparisonRef("job-1", "cmp-1");
        var at = DateTimeOffset.UnixEpoch;
        var subscription = new Subscription(comparison, "C1", [], "U1", at, new RuleState());
        Gen.Select(AnyProgress, AnyFailure, Gen.Enum<NotificationKind>()).Sample((progress, failure, kind) =>
        {
            AssertSafe(ProgressMessages.Render(comparison, progress, at, ProgressMessages.Buttons(comparison, false), TimeSpan.FromMinutes(12)));
            AssertSafe(FailureMessages.Render(comparison, failure, at));
            AssertSafe(NotificationMessages.Render(kind, subscription, progress, failure, 3, at));
            AssertSafe(JobMessages.Failure("job-1", failure, at));
            var record = new WatchRecord(comparison, at) { LastProgress = progress, LastFailure = failure, LastFailureAt = at.AddSeconds(1) }.With(subscription);
            AssertSafe(ThreadMessages.Parent(record, at));
            AssertSafe(DigestMessages.Render([record], "", "C1", at));
        }, iter: 300);
        AnyJob.Sample(job => AssertSafe(JobMessages.Render(job, at, null)), iter: 300);
    }
}
