using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// The schedules port when this host has one: it is optional (a host without the scheduler still chats), so it
/// comes as a list of registrations, the last one winning as it would for a single service.
/// </summary>
internal sealed class OptionalSchedules(IEnumerable<IRunSchedules> registered)
{
    public const string Missing = "Schedules are not available on this host: it runs without the scheduler. Use a host with scheduling enabled, or the dashboard.";

    public IRunSchedules? Port { get; } = registered.LastOrDefault();
}

/// <summary>/schedules: every recurring run.</summary>
internal sealed class SchedulesCommand(OptionalSchedules schedules, ChatReplies replies) : IChatCommand
{
    public string Name => "schedules";

    public string Usage => "/schedules";

    public string Summary => "the recurring runs, with when each fires next";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (schedules.Port is not { } port)
        {
            await replies.TextAsync(context.Turn, OptionalSchedules.Missing, cancellationToken);
            return;
        }

        var all = await port.ListAsync(cancellationToken);
        await replies.CardAsync(context.Turn, ScheduleCards.List(all.OrderBy(s => s.NextFireAt ?? DateTimeOffset.MaxValue).ToArray()), cancellationToken);
    }
}

/// <summary>/schedule &lt;workflow&gt; "&lt;cron&gt;" [tz=Zone] args…: a recurring run whose cards come to this conversation.</summary>
internal sealed class ScheduleCommand(OptionalSchedules schedules, IWorkflowCatalog catalog, HelpReplies help, ChatReplies replies) : IChatCommand
{
    public const string DefaultZone = "UTC";

    public string Name => "schedule";

    public string Usage => "/schedule <workflow> \"<cron>\" [tz=Zone] args…";

    public string Summary => "run a workflow on a cron schedule, posting here";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var turn = context.Turn;
        if (schedules.Port is not { } port)
        {
            await replies.TextAsync(turn, OptionalSchedules.Missing, cancellationToken);
            return;
        }

        if (context.Arguments.Count < 2)
        {
            await replies.TextAsync(turn, $"Usage: `{Usage}`, for example `/schedule backup \"0 6 * * *\" tz=Europe/Berlin`.", cancellationToken);
            return;
        }

        if (catalog.Find(context.Arguments[0]) is not { } workflow)
        {
            await help.SendOverviewAsync(turn, $"There is no workflow '{context.Arguments[0]}' to schedule.", cancellationToken);
            return;
        }

        var cron = context.Arguments[1];
        var rest = context.Arguments.Skip(2).ToList();
        var zoneAt = rest.FindIndex(a => a.StartsWith("tz=", StringComparison.OrdinalIgnoreCase));
        var zone = DefaultZone;
        if (zoneAt >= 0)
        {
            zone = rest[zoneAt][3..];
            rest.RemoveAt(zoneAt);
        }

        var problems = new List<string>();
        if (!cron.Trim().Contains(' ', StringComparison.Ordinal))
        {
            problems.Add($"'{cron}' is one word; a cron expression has five fields and must be quoted, as in `/schedule {workflow.Name} \"0 6 * * *\"`");
        }

        var parsed = ParameterArguments.Parse(workflow.Parameters, rest);
        problems.AddRange(parsed.Errors.Select(e => e.ToString()));
        if (problems.Count == 0)
        {
            var result = await port.AddAsync(new NewSchedule(workflow.Name, cron, zone, parsed.Values, turn.Conversation.ConversationId, context.Actor), cancellationToken);
            if (result is { Ok: true, Schedule: { } added })
            {
                await replies.CardAsync(turn, ScheduleCards.Added(added), cancellationToken);
                return;
            }

            problems.AddRange(result.Problems);
            if (result.Forbidden)
            {
                await replies.TextAsync(turn, $"{string.Join(" ", result.Problems)} Ask an OpsFlow admin for the role.", cancellationToken);
                return;
            }
        }

        await replies.TextAsync(turn,
            $"The schedule was not added:\n\n{string.Join("\n", problems.Select(p => $"- {p}"))}\n\nUsage: `/schedule {workflow.Name} \"<cron>\" [tz=Zone]{ParameterArguments.Usage(workflow)[workflow.Name.Length..]}`",
            cancellationToken);
    }
}

/// <summary>/unschedule &lt;id&gt;: removes a schedule a person added.</summary>
internal sealed class UnscheduleCommand(OptionalSchedules schedules, ChatReplies replies) : IChatCommand
{
    public string Name => "unschedule";

    public string Usage => "/unschedule <id>";

    public string Summary => "remove a schedule added in chat";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (schedules.Port is not { } port)
        {
            await replies.TextAsync(context.Turn, OptionalSchedules.Missing, cancellationToken);
            return;
        }

        if (context.Arguments.Count != 1)
        {
            await replies.TextAsync(context.Turn, $"Usage: `{Usage}`, with one schedule id. /schedules lists them.", cancellationToken);
            return;
        }

        var id = context.Arguments[0];
        var result = await port.RemoveAsync(id, context.Actor, cancellationToken);
        var text = result switch
        {
            { Problems.Count: 0, Schedule: { } removed } => $"✓ Schedule {removed.Id} ({removed.Workflow} at {removed.Cron}) is removed.",
            { NotFound: true } => $"There is no schedule '{id}'. /schedules lists them.",
            _ => string.Join(" ", result.Problems),
        };
        await replies.TextAsync(context.Turn, text, cancellationToken);
    }
}
