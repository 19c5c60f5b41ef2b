using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Playground.Tests;

/// <summary>The host's stored runs, read in process: what the chat started and how it ended, whatever the card says.</summary>
public static class HostRuns
{
    /// <summary>The newest run of <paramref name="workflow"/> started in <paramref name="conversationId"/>, waiting for it to appear.</summary>
    public static async Task<RunRecord> WaitForRunAsync(this PlaygroundHost host, string workflow, string conversationId, TimeSpan timeout)
    {
        var store = host.Services.GetRequiredService<IRunStore>();
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var page = await store.ListRunsAsync(new RunQuery { Workflow = workflow, Take = 20 }, deadline.Token);
            if (page.Runs.FirstOrDefault(r => r.ReplyTo == conversationId) is { } run)
            {
                return run;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, deadline.Token);
        }
    }

    /// <summary>Waits until run <paramref name="runId"/> is in one of <paramref name="statuses"/>; fails naming where it stopped.</summary>
    public static async Task<RunRecord> WaitForStatusAsync(this PlaygroundHost host, string runId, TimeSpan timeout, params RunStatus[] statuses)
    {
        var store = host.Services.GetRequiredService<IRunStore>();
        using var deadline = new CancellationTokenSource(timeout);
        RunRecord? run = null;
        try
        {
            while (true)
            {
                run = await store.GetRunAsync(runId, deadline.Token);
                if (run is not null && statuses.Contains(run.Status))
                {
                    return run;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"run {runId} is {run?.Status} after {timeout}, not {string.Join(" or ", statuses)}");
        }
    }
}
