using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Reads a run, its steps and its history as of one version. The three are separate reads; a change committed
/// between them would pair the run of one version with the steps of the next (a page showed a run "running" whose
/// last step had succeeded, and no later event corrected it). The run is read again after the rest: when its version
/// moved, everything is read again.
/// </summary>
internal static class RunDetailsReader
{
    private const int Attempts = 5;

    public static async Task<RunDetails?> ReadAsync(IRunStore store, string id, CancellationToken cancellationToken)
    {
        RunDetails? details = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var run = await store.GetRunAsync(id, cancellationToken);
            if (run is null)
            {
                return null;
            }

            details = new RunDetails(run, await store.GetStepsAsync(id, cancellationToken), await store.GetHistoryAsync(id, cancellationToken));
            if ((await store.GetRunAsync(id, cancellationToken))?.Version == run.Version)
            {
                return details;
            }
        }

        // A run changing this fast is read again at its next change; the reader keeps versions apart (live.js).
        return details;
    }
}
