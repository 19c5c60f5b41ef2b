using OpsFlow.Engine.Execution;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// /stop-all &lt;reason&gt; and /resume-all (admin): the emergency stop of <see cref="EmergencyStopCommands"/>, answered
/// here and announced in the default conversation with who and why.
/// </summary>
internal sealed class EmergencyStopCommand(bool stop, EmergencyStopCommands commands, EmergencyStopAnnouncer announcer, ChatReplies replies) : IChatCommand
{
    public string Name => stop ? "stop-all" : "resume-all";

    public string Usage => stop ? "/stop-all <reason>" : "/resume-all";

    public string Summary => stop
        ? "emergency stop: pause every running run and refuse new ones until /resume-all (admin)"
        : "lift the emergency stop and resume the runs it paused (admin)";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (stop && context.Command.Rest(0) is null)
        {
            await replies.TextAsync(context.Turn, $"Usage: `{Usage}`: say why; everyone whose runs stop is shown the reason.", cancellationToken);
            return;
        }

        var result = stop
            ? await commands.StopAllAsync(context.Actor, context.Command.Rest(0), cancellationToken)
            : await commands.ResumeAllAsync(context.Actor, cancellationToken);
        if (result.Outcome != CommandOutcome.Done)
        {
            await replies.TextAsync(context.Turn, $"Not done: {result.Message}", cancellationToken);
            return;
        }

        await replies.TextAsync(context.Turn, result.Message, cancellationToken);
        await announcer.AnnounceAsync(result.Message, context.Turn.Conversation.ConversationId, cancellationToken);
    }
}
