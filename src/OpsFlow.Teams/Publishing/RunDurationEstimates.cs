using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// How long a workflow usually takes: the average duration of its last few successful runs, cached a few minutes
/// per workflow because every card update asks.
/// </summary>
public sealed class RunDurationEstimates(IRunStore store, TimeProvider clock, ILogger<RunDurationEstimates> logger)
{
    public const int Sample = 10;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly BoundedCache<string, (TimeSpan? Typical, DateTimeOffset At)> _cache = new(512);

    /// <summary>Null when the workflow has no successful run yet (or its history cannot be read).</summary>
    public async Task<TimeSpan?> TypicalAsync(string workflow, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGet(workflow, out var cached) && now - cached.At < Lifetime)
        {
            return cached.Typical;
        }

        TimeSpan? typical = null;
        try
        {
            var page = await store.ListRunsAsync(new RunQuery { Workflow = workflow, Status = RunStatus.Succeeded, Take = Sample }, cancellationToken);
            var durations = page.Runs
                .Where(r => r.StartedAt is not null && r.EndedAt is not null)
                .Select(r => (r.EndedAt!.Value - r.StartedAt!.Value).Ticks)
                .ToArray();
            typical = durations.Length == 0 ? null : TimeSpan.FromTicks((long)durations.Average());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PublishingLog.EstimateFailed(logger, ex, workflow);
        }

        _cache.Set(workflow, (typical, now));
        return typical;
    }
}
