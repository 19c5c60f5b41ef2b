using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Several hosts: a command for a run that another host is executing travels through the mailbox
/// (<see cref="IRunMailbox"/>). The sender leaves it and watches for the answer; the driving host looks in the
/// mailbox every <see cref="EngineOptions.MailboxPollInterval"/>, hands the command to the run and answers.
/// </summary>
public sealed partial class WorkflowEngine
{
    private ITimer? _mailPoll;
    private int _readingMail;

    /// <summary>
    /// Leaves the command for the host driving the run and returns that host's answer. If the run comes free before
    /// anyone took the letter, the sender takes it back and delivers the command itself; a letter nobody took within
    /// <see cref="EngineOptions.CommandWait"/> is withdrawn, so a refused command has certainly done nothing.
    /// </summary>
    private async Task<CommandResult> MailAsync(string runId, RunCommand command, CancellationToken cancellationToken)
    {
        var letterId = await _ownership.PostAsync(runId, CommandLetters.Write(command), _clock.GetUtcNow(), cancellationToken);
        Log.CommandMailed(_logger, runId, RolePolicy.Verb(command));
        var giveUpAt = _clock.GetUtcNow() + _options.CommandWait;
        try
        {
            while (true)
            {
                var state = await _ownership.ReadAsync(letterId, cancellationToken);
                if (state is null)
                {
                    Mailed("lost");
                    return await BusyAsync(runId, "lost the command from the mailbox; look at the run before trying again.", cancellationToken);
                }

                if (state.Answer is { } answer)
                {
                    Mailed("answered");
                    return CommandLetters.ReadAnswer(answer, await _store.GetRunAsync(runId, cancellationToken));
                }

                var late = _clock.GetUtcNow() >= giveUpAt;
                if (state.TakenBy is null && (late || !await IsHeldElsewhereAsync(runId, cancellationToken))
                    && await _ownership.TryTakeBackAsync(letterId, cancellationToken))
                {
                    Mailed(late ? "withdrawn" : "delivered_here");
                    return late
                        ? await BusyAsync(runId, "did not take the command in time; nothing was done. Try again in a moment.", cancellationToken)
                        : await SendAsync(runId, command, cancellationToken);
                }

                if (state.TakenBy is not null && _clock.GetUtcNow() >= giveUpAt + _options.CommandWait)
                {
                    Mailed("unanswered");
                    return await BusyAsync(runId, $"took the command but has not answered (host {state.TakenBy}); look at the run before trying again.", cancellationToken);
                }

                await Task.Delay(_options.MailboxPollInterval, _clock, cancellationToken);
            }
        }
        finally
        {
            await _ownership.DeleteAsync(letterId, CancellationToken.None);
        }
    }

    private void Mailed(string outcome) =>
        _services.Telemetry.CommandsMailed.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private async Task<CommandResult> BusyAsync(string runId, string what, CancellationToken cancellationToken)
    {
        var run = await _store.GetRunAsync(runId, cancellationToken);
        return CommandResult.Refused($"Run {runId} is busy on another OpsFlow host, which {what}", run);
    }

    /// <summary>Takes the letters for runs this host drives and hands each to its run.</summary>
    private async Task ReadMailAsync()
    {
        if (_stopped || _active.IsEmpty || Interlocked.Exchange(ref _readingMail, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var letter in await _ownership.TakeAsync())
            {
                _ = HandleLetterAsync(letter);
            }
        }
        catch (Exception ex) when (!_stopped)
        {
            Log.MailboxFailed(_logger, ex);
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
                Log.LetterUnreadable(_logger, letter.RunId);
                var refused = CommandResult.Refused("The host driving the run could not read this command (are the hosts on different OpsFlow versions?); nothing was done.");
                await _ownership.AnswerAsync(letter.Id, CommandLetters.WriteAnswer(refused), _clock.GetUtcNow());
                return;
            }

            var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var delivery = await DeliverAsync(letter.RunId, new RunMessage.Command(command, done), CancellationToken.None);
            if (delivery == Delivery.HeldElsewhere)
            {
                // The run moved to another host since the letter was taken: leave it for that host (or the sender).
                await _ownership.PutBackAsync(letter.Id);
                return;
            }

            var result = delivery == Delivery.Delivered ? await done.Task : await NotDeliveredAsync(letter.RunId, CancellationToken.None);
            await _ownership.AnswerAsync(letter.Id, CommandLetters.WriteAnswer(result), _clock.GetUtcNow());
            Log.LetterHandled(_logger, letter.RunId, RolePolicy.Verb(command), result.Outcome);
        }
        catch (Exception ex) when (!_stopped)
        {
            // Unanswered, the sender gives up after its wait and says so; the command's effect, if any, is in the history.
            Log.MailboxFailed(_logger, ex);
        }
    }
}
