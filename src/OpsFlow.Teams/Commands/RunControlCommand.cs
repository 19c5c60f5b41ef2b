using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Commands;

/// <summary>A command on one run: its name, usage, and how the words after the run id become a <see cref="RunCommand"/>.</summary>
internal sealed record RunVerb(string Name, string Usage, string Summary, int RequiredArguments, Func<Actor, CommandText, RunCommand> Build)
{
    /// <summary>Approve and reject: the approver list may name people by UPN, so the sender's UPN is looked up.</summary>
    public bool Decides { get; init; }

    /// <summary>What is wrong with the words after the run id, beyond their count; null when they are fine.</summary>
    public Func<CommandText, string?>? Check { get; init; }

    /// <summary>The commands of docs/product.md §2 that act on a run; the engine checks roles and state (RolePolicy).</summary>
    public static IReadOnlyList<RunVerb> All { get; } =
    [
        new("cancel", "/cancel <run> [reason]", "stop a run (admin)", 1, (a, c) => new RunCommand.Cancel(a, c.Rest(1))),
        new("pause", "/pause <run>", "start no new step until /resume (operator)", 1, (a, _) => new RunCommand.Pause(a)),
        new("resume", "/resume <run>", "go on after /pause (operator)", 1, (a, _) => new RunCommand.Resume(a)),
        new("retry", "/retry <run>", "run a failed run again from its failed steps, keeping what succeeded (operator)", 1, (a, _) => new RunCommand.Retry(a)),
        new("skip", "/skip <run> <step> [reason]", "mark a failed or waiting step skipped and go on (admin)", 2,
            (a, c) => new RunCommand.Skip(a, c.Arguments[1], c.Rest(2))),
        new("params", "/params <run> name=value [name=value…]", "change parameters of a paused run that no finished step read (admin)", 2,
            (a, c) => new RunCommand.ChangeParameters(a, Assignments(c), null)) { Check = CheckAssignments },
        new("approve", "/approve <run> [step]", "approve what the run waits for (the card's Approve button)", 1,
            (a, c) => new RunCommand.Decide(a, c.Arguments.ElementAtOrDefault(1), ApprovalAction.Approve, null)) { Decides = true },
        new("reject", "/reject <run> [step=<step>] [reason]", "reject what the run waits for; the run stops", 1, Reject) { Decides = true },
    ];

    private static Dictionary<string, string?> Assignments(CommandText command) =>
        command.Arguments.Skip(1)
            .Select(word => word.Split('=', 2))
            .GroupBy(pair => pair[0].Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (string?)g.Last()[1], StringComparer.Ordinal);

    /// <summary>Every word after the run id is name=value: a bare value could not say which parameter it is for.</summary>
    private static string? CheckAssignments(CommandText command) =>
        command.Arguments.Skip(1).FirstOrDefault(word => word.IndexOf('=', StringComparison.Ordinal) <= 0) is { } bare
            ? $"'{bare}' is not name=value; say which parameter each value is for, e.g. `/params {command.Arguments[0]} checks=3`"
            : null;

    /// <summary>"/reject run-1 step=gate disk is full": the step is optional and named, the rest is the reason.</summary>
    private static RunCommand.Decide Reject(Actor actor, CommandText command)
    {
        var words = command.Arguments.Skip(1).ToList();
        var named = words.FindIndex(w => w.StartsWith("step=", StringComparison.OrdinalIgnoreCase));
        string? step = null;
        if (named >= 0)
        {
            step = words[named][5..];
            words.RemoveAt(named);
        }

        return new RunCommand.Decide(actor, string.IsNullOrWhiteSpace(step) ? null : step, ApprovalAction.Reject, words.Count == 0 ? null : string.Join(' ', words));
    }
}

/// <summary>
/// /cancel, /pause, /resume, /retry, /skip, /params, /approve, /reject: sent to the engine, which decides and records; the
/// answer is its message, and the run's card is brought up to date for everyone.
/// </summary>
internal sealed class RunControlCommand(RunVerb verb, WorkflowEngine engine, IRunCards cards, ChatReplies replies) : IChatCommand
{
    public string Name => verb.Name;

    public string Usage => verb.Usage;

    public string Summary => verb.Summary;

    public bool DecidesApprovals => verb.Decides;

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Arguments.Count < verb.RequiredArguments)
        {
            await replies.TextAsync(context.Turn, $"Usage: `{verb.Usage}`. /runs lists recent runs and their ids.", cancellationToken);
            return;
        }

        if (verb.Check?.Invoke(context.Command) is { } problem)
        {
            await replies.TextAsync(context.Turn, $"{problem}. Usage: `{verb.Usage}`.", cancellationToken);
            return;
        }

        var runId = context.Arguments[0];
        var result = await engine.SendAsync(runId, verb.Build(context.Actor, context.Command), cancellationToken);
        switch (result.Outcome)
        {
            case CommandOutcome.Done:
                await replies.TextAsync(context.Turn, $"✓ {result.Message}", cancellationToken);
                cards.Refresh(runId);
                break;
            case CommandOutcome.NotFound:
                await replies.TextAsync(context.Turn, $"There is no run '{runId}'. /runs lists recent runs and their ids.", cancellationToken);
                break;
            default:
                await replies.TextAsync(context.Turn, $"Not done: {result.Message}", cancellationToken);
                break;
        }
    }
}
