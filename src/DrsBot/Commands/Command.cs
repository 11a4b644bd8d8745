using DrsBot.Slack;
using DrsBot.Watching;



namespace DrsBot.Commands;

/// <summary>What a user asked for, parsed from the slash command's text.</summary>
public abstract record Command;

public sealed record HelpCommand : Command;

public sealed record ProgressCommand(ComparisonRef Comparison) : Command;

/// <summary><paramref name="Threaded"/> false (<c>--no-thread</c>): every notification is its own channel message.</summary>
public sealed record SubscribeCommand(ComparisonRef Comparison, IReadOnlyList<string> Mentions, bool Threaded = true) : Command;

/// <summary>Which tables of the comparison differ.</summary>
public sealed record TablesCommand(ComparisonRef Comparison) : Command;

/// <summary>The Acknowledge button: <paramref name="AlertId"/> names the alert, its comparison and its channel.</summary>
public sealed record AcknowledgeCommand(ComparisonRef Comparison, string AlertId) : Command;

/// <summary>Hold this channel's alerts about the comparison for <paramref name="For"/>.</summary>
public sealed record SnoozeCommand(ComparisonRef Comparison, TimeSpan For) : Command;

public sealed record UnsnoozeCommand(ComparisonRef Comparison) : Command;

public sealed record UnsubscribeCommand(ComparisonRef Comparison) : Command;

public sealed record ListCommand : Command;

/// <summary>One id: the job's details and its comparisons, in <paramref name="Profile"/> (null: the default one).</summary>
public sealed record JobCommand(string JobId, string? Profile = null) : Command;

/// <summary><c>use &lt;profile&gt;</c> sets the channel's DRS profile; <c>use</c> alone (null) shows it.</summary>
public sealed record UseCommand(string? Profile) : Command;

/// <summary>Every day at <paramref name="At"/> in <paramref name="TimeZone"/>, a summary of what the channel watches.</summary>
public sealed record DigestCommand(TimeOnly At, TimeZoneInfo TimeZone) : Command;

public sealed record DigestOffCommand : Command;

/// <summary>Text we could not make sense of; <see cref="Problem"/> says why, in words for the user.</summary>
public sealed record InvalidCommand(string Problem) : Command;
