using DrsBot.Tests.Fakes;

namespace DrsBot.Tests.EndToEnd;

/// <summary>Issue 32, part 1: which tables differ, from the command and from the button, read from v5 or v3.</summary>
public sealed class TablesTests : EndToEndTest
{
    private const string Ops = "C0OPS";

    private static FakeTable[] Mixed() =>
    [
        new("shop.orders", 1_000, 990),
        new("shop.customers", 500, 500, "CONSISTENT"),
        new("shop.payments", 20_000, 12_000),
        new("shop.audit", 0, 0, "CAN_NOT_COMPARE", Message: "table has no primary key"),
        new("shop.items", 70, 71, Target: "shop.items_v2"),
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the gateway answers APIG.0101 to v5's detail: the same answer from v3
    public async Task The_command_lists_differing_tables_largest_difference_first(bool v5)
    {
        Drs.ScriptTables("job-1", "cmp-1", FakeTables.Line, v5, Mixed());

        var reply = await App.CommandAsync("tables job-1 cmp-1", channel: Ops);

        Assert.Contains("3 tables differ", reply.Text, StringComparison.Ordinal);
        var text = reply.AllText;
        var order = new[] { "shop.payments", "shop.orders", "shop.items" }.Select(t => text.IndexOf(t, StringComparison.Ordinal)).ToList();
        Assert.All(order, i => Assert.True(i >= 0, text));
        Assert.Equal(order.Order(), order); // 8,000 apart, then 10, then 1
        Assert.Contains("8,000 rows apart", text, StringComparison.Ordinal);
        Assert.Contains("source 20,000 · target 12,000", text, StringComparison.Ordinal);
        Assert.Contains("`shop.items` → `shop.items_v2`", text, StringComparison.Ordinal);
        Assert.DoesNotContain("shop.customers", text, StringComparison.Ordinal); // consistent: not listed

        // Tables DRS could not compare are listed apart, not among the differences.
        var notCompared = reply.Blocks.Single(b => b.ToString().Contains("Could not be compared", StringComparison.Ordinal)).ToString();
        Assert.Contains("shop.audit", notCompared, StringComparison.Ordinal);
        Assert.Equal(v5 ? 1 : 2, Drs.TableCalls("cmp-1")); // one page; v3 after v5's refusal
        Assert.Equal(!v5, Drs.Requests.Any(r => r.Path.Contains("/v3/", StringComparison.Ordinal) && r.Path.Contains("/line-detail?", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_value_comparison_is_read_from_its_content_detail(bool v5)
    {
        Drs.ScriptTables("job-1", "cmp-2", FakeTables.Content, v5,
            new FakeTable("crm.leads", 300, 300), new FakeTable("crm.deals", 90, 40), new FakeTable("crm.notes", 5, 5, "CONSISTENT"));

        var reply = await App.CommandAsync("tables job-1 cmp-2", channel: Ops);

        Assert.Contains("2 tables differ", reply.Text, StringComparison.Ordinal);
        Assert.Contains("compared by value", reply.AllText, StringComparison.Ordinal);
        Assert.True(reply.AllText.IndexOf("crm.deals", StringComparison.Ordinal) < reply.AllText.IndexOf("crm.leads", StringComparison.Ordinal));
        Assert.DoesNotContain("crm.notes", reply.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_tables_at_most_and_how_many_more_reading_every_page()
    {
        Drs.ScriptTables("job-1", "cmp-1", FakeTables.Line, true,
            [.. Enumerable.Range(1, 130).Select(i => new FakeTable($"db.t{i:000}", 1000 + i, 1000))]);

        var reply = await App.CommandAsync("tables job-1 cmp-1", channel: Ops);

        Assert.Contains("130 tables differ", reply.Text, StringComparison.Ordinal);
        Assert.Contains("…and 120 more tables", reply.AllText, StringComparison.Ordinal);
        Assert.Contains("db.t130", reply.AllText, StringComparison.Ordinal); // the largest, from the second page
        Assert.DoesNotContain("db.t120", reply.AllText, StringComparison.Ordinal); // the 11th largest
        Assert.Equal(2, Drs.TableCalls("cmp-1")); // 100 a page
    }

    [Fact]
    public async Task Hostile_table_names_and_messages_arrive_escaped()
    {
        Drs.ScriptTables("job-1", "cmp-1", FakeTables.Line, true,
            new FakeTable("<!channel> *x*", 10, 1, Message: "<@U0BOSS> & <https://evil.example|click>"));

        var reply = await App.CommandAsync("tables job-1 cmp-1", channel: Ops);

        var all = reply.AllText;
        Assert.DoesNotContain("<!channel>", all, StringComparison.Ordinal);
        Assert.DoesNotContain("<@U0BOSS>", all, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", all, StringComparison.Ordinal);
        Assert.Contains("&lt;@U0BOSS&gt; &amp; &lt;https://evil.example|click&gt;", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_detail_yet_gives_the_sentence_not_an_empty_card()
    {
        var reply = await App.CommandAsync("tables job-1 cmp-9", channel: Ops);

        Assert.Contains("The comparison has not produced table results yet.", reply.Text, StringComparison.Ordinal);
        Assert.Contains("has not produced table results yet", reply.AllText, StringComparison.Ordinal);
        Assert.Equal(2, Drs.TableCalls("cmp-9")); // row-count detail empty, then value detail empty
    }

    [Fact]
    public async Task Hostile_ids_are_refused_before_any_drs_call()
    {
        var reply = await App.CommandAsync("tables job-1 ../../etc", channel: Ops);

        Assert.Contains("is not valid", reply.Text, StringComparison.Ordinal);
        Assert.Empty(Drs.Requests);
    }

    [Fact]
    public async Task Cards_with_rows_to_recheck_carry_the_button_and_it_lists_the_tables()
    {
        Drs.Script("job-1", "cmp-1", DrsAnswer.Progress(full: 100, fullRecheck: 8_011));
        Drs.Script("job-1", "cmp-ok", DrsAnswer.Progress(full: 100));
        Drs.ScriptTables("job-1", "cmp-1", FakeTables.Line, true, Mixed());

        var card = await App.CommandAsync("job-1 cmp-1", channel: Ops);
        Assert.Contains("drs.tables", InteractionTests.ActionIds(card.Body));
        Assert.DoesNotContain("drs.tables", InteractionTests.ActionIds((await App.CommandAsync("job-1 cmp-ok", channel: Ops)).Body));

        var answer = await App.PressAsync("drs.tables", "job-1:cmp-1", channel: Ops);
        Assert.Contains("3 tables differ", answer.Text, StringComparison.Ordinal);
        Assert.False(answer.Body.GetProperty("replace_original").GetBoolean()); // a new message: the card stays
    }
}
