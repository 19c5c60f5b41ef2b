using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Several hosts: a command for a run that another host is executing travels through the mailbox
/// (<see cref="IRunMailbox"/>). The sender leaves it and watches for the answer; the driving host looks in the
/// mailbox every <see cref="EngineOptions.MailboxPollInterval"/>, hands the command to the run and answers. It owns
/// only the flag that keeps two mailbox reads from overlapping.
/// </summary>
internal sealed class RunMailRelay(
    IRunOwnership ownership,
    IRunStore store,
    TimeProvider clock,
    EngineOptions options,
    ILogger logger,
    EngineTelemetry telemetry,
    ActiveRuns runs,
    RunLeases leases,
    Func<bool> stopped)
{
    private int _readingMail;

    /// <summary>
    /// Leaves the command for the host driving the run and returns that host's answer. If the run comes free before
    /// anyone took the letter, the sender takes it back and hands the command to <paramref name="sendHere"/>; a letter
    /// nobody took within <see cref="EngineOptions.CommandWait"/> is withdrawn, so a refused command has certainly
    /// done nothing.
    /// </summary>
    public async Task<CommandResult> MailAsync(string runId, RunCommand command, Func<Task<CommandResult>> sendHere, CancellationToken cancellationToken)
    {
        var letterId = await ownership.PostAsync(runId, CommandLetters.Write(command), clock.GetUtcNow(), cancellationToken);
        Log.CommandMailed(logger, runId, RolePolicy.Verb(command));
        var giveUpAt = clock.GetUtcNow() + options.CommandWait;
        try
        {
            while (true)
            {
                var state = await ownership.ReadAsync(letterId, cancellationToken);
                if (state is null)
                {
                    Mailed("lost");
                    return await BusyAsync(runId, "lost the command from the mailbox; look at the run before trying again.", cancellationToken);
                }

                if (state.Answer is { } answer)
                {
                    Mailed("answered");
                    return CommandLetters.ReadAnswer(answer, await store.GetRunAsync(runId, cancellationToken));
                }

                var late = clock.GetUtcNow() >= giveUpAt;
                if (state.TakenBy is null && (late || !await leases.IsHeldElsewhereAsync(runId, cancellationToken))
                    && await ownership.TryTakeBackAsync(letterId, cancellationToken))
                {
                    Mailed(late ? "withdrawn" : "delivered_here");
                    return late
                        ? await BusyAsync(runId, "did not take the command in time; nothing was done. Try again in a moment.", cancellationToken)
                        : await sendHere();
                }

                if (state.TakenBy is not null && clock.GetUtcNow() >= giveUpAt + options.CommandWait)
                {
                    Mailed("unanswered");
                    return await BusyAsync(runId, $"took the command but has not answered (host {state.TakenBy}); look at the run before trying again.", cancellationToken);
                }

                await Task.Delay(options.MailboxPollInterval, clock, cancellationToken);
            }
        }
        finally
        {
            await ownership.DeleteAsync(letterId, CancellationToken.None);
        }
    }

    private void Mailed(string outcome) =>
        telemetry.CommandsMailed.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private async Task<CommandResult> BusyAsync(string runId, string what, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken);
        return CommandResult.Refused($"Run {runId} is busy on another OpsFlow host, which {what}", run);
    }

    /// <summary>Takes the letters for runs this host drives and hands each to its run.</summary>
    public async Task ReadMailAsync()
    {
        if (stopped() || runs.IsEmpty || Interlocked.Exchange(ref _readingMail, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var letter in await ownership.TakeAsync())
            {
                _ = HandleLetterAsync(letter);
            }
        }
        catch (Exception ex) when (!stopped())
        {
            Log.MailboxFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _readingMail, 0);
        }
    }

    private async Task HandleLetterAsync(RunLetter letter)
    {
        try
        {
            if (CommandLetters.Read(letter.Payload) is not { } command)
            {
                Log.LetterUnreadable(logger, letter.RunId);
                var refused = CommandResult.Refused("The host driving the run could not read this command (are the hosts on different OpsFlow versions?); nothing was done.");
                await ownership.AnswerAsync(letter.Id, CommandLetters.WriteAnswer(refused), clock.GetUtcNow());
                return;
            }

            var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var delivery = await runs.DeliverAsync(letter.RunId, new RunMessage.Command(command, done), CancellationToken.None);
            if (delivery == Delivery.HeldElsewhere)
            {
                // The run moved to another host since the letter was taken: leave it for that host (or the sender).
                await ownership.PutBackAsync(letter.Id);
                return;
            }

            var result = delivery == Delivery.Delivered ? await done.Task : await runs.NotDeliveredAsync(letter.RunId, command, CancellationToken.None);
            await ownership.AnswerAsync(letter.Id, CommandLetters.WriteAnswer(result), clock.GetUtcNow());
            Log.LetterHandled(logger, letter.RunId, RolePolicy.Verb(command), result.Outcome);
        }
        catch (Exception ex) when (!stopped())
        {
            // Unanswered, the sender gives up after its wait and says so; the command's effect, if any, is in the history.
            Log.MailboxFailed(logger, ex);
        }
    }
}
