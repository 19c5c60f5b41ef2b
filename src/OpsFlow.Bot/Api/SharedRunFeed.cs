using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Several hosts: a run may execute on another host, whose changes this engine never announces, so someone must look
/// at the run's version in the database. One loop per watched run does it, every <see cref="Interval"/>, for all its
/// viewers on this host: a hundred open pages of one run cost one read a second, not a hundred. The loop starts with
/// the run's first viewer and ends with its last.
/// </summary>
internal sealed class SharedRunFeed(IRunStore store, TimeProvider clock, ILogger<SharedRunFeed> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Reads the run's version every interval until <paramref name="stop"/>; <paramref name="changed"/> gets each new one.</summary>
    public async Task WatchAsync(string runId, long known, Action<long> changed, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(Interval, clock, stop);
                try
                {
                    if (await store.GetRunAsync(runId, stop) is { } run && run.Version != known)
                    {
                        known = run.Version;
                        changed(known);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database is away for a moment: the viewers keep what they have and the next read tries again.
                    ApiLog.SharedFeedReadFailed(logger, ex, runId);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run's last viewer left.
        }
    }
}
