using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsFlow.Scripting;

namespace OpsFlow.Bot.Health;

/// <summary>
/// Ready when every workflow script loads. A broken edit is unhealthy even while its last good version still
/// serves, because the file on disk is not what runs.
/// </summary>
internal sealed class WorkflowsHealthCheck(ScriptWorkflowCatalog scripts) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var broken = scripts.Files.Where(f => !f.Ok).ToArray();
        if (broken.Length == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{scripts.Files.Count} script(s) loaded"));
        }

        var problems = broken.Select(f => $"{string.Join("; ", f.Problems)}{(f.UsingLastGood ? " (its last good version still serves)" : "")}");
        return Task.FromResult(HealthCheckResult.Unhealthy($"{broken.Length} script(s) do not load: {string.Join(" | ", problems)}"));
    }
}
