using System.Threading.Channels;
using OpsFlow.Engine.Ports;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// Follows a run from the engine's change feed until nothing more happens without a person, stopping for the
/// approval desk when an approval opens. A live table for a terminal; plain lines otherwise.
/// </summary>
internal sealed class RunWatch(CliContext context, RunProgress progress, ApprovalDesk approvals)
{
    /// <summary>How often the live table redraws when nothing changes, so running steps' durations move.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private readonly ChannelReader<RunChanged> _changes = context.Host.Get<RunWatcher>().Changes;
    private readonly TimeProvider _clock = context.Host.Get<TimeProvider>();
    private Task<bool>? _waiting;

    public async Task WatchAsync()
    {
        var token = context.CancellationToken;
        while (!progress.Ended)
        {
            if (approvals.NeedsAttention(progress))
            {
                await approvals.HandleAsync(progress, token);
                continue;
            }

            if (context.Interactive)
            {
                await context.Console.Live(progress.Render(_clock.GetUtcNow())).StartAsync(async live =>
                {
                    while (!progress.Ended && !approvals.NeedsAttention(progress))
                    {
                        await NextAsync(Tick, _ => { }, token);
                        live.UpdateTarget(progress.Render(_clock.GetUtcNow()));
                    }
                });
            }
            else
            {
                while (!progress.Ended && !approvals.NeedsAttention(progress))
                {
                    await NextAsync(null, line => context.Console.MarkupLine(line), token);
                }
            }
        }
    }

    /// <summary>Waits for changes (or one tick) and applies every change queued so far.</summary>
    private async Task NextAsync(TimeSpan? tick, Action<string> write, CancellationToken cancellationToken)
    {
        // One wait is kept across ticks: starting a new one per tick would pile up waiters on a quiet run.
        _waiting ??= _changes.WaitToReadAsync(cancellationToken).AsTask();
        if (tick is { } delay)
        {
            await Task.WhenAny(_waiting, Task.Delay(delay, _clock, cancellationToken));
        }
        else
        {
            await _waiting;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_waiting.IsCompleted)
        {
            if (!await _waiting)
            {
                throw new InvalidOperationException("The engine's change feed closed while the run was still going.");
            }

            _waiting = null;
        }

        while (_changes.TryRead(out var change))
        {
            foreach (var line in progress.Apply(change, _clock.GetUtcNow()))
            {
                write(line);
            }
        }
    }
}
