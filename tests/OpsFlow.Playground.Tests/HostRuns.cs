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
        return (await Wait.ForAsync(
            async () => (await store.ListRunsAsync(new RunQuery { Workflow = workflow, Take = 20 })).Runs.FirstOrDefault(r => r.ReplyTo == conversationId),
            run => run is not null,
            $"a run of {workflow} started in {conversationId}",
            host.RunChanged,
            timeout))!;
    }

    /// <summary>Waits until run <paramref name="runId"/> is in one of <paramref name="statuses"/>; fails naming where it stopped.</summary>
    public static async Task<RunRecord> WaitForStatusAsync(this PlaygroundHost host, string runId, TimeSpan timeout, params RunStatus[] statuses)
    {
        var store = host.Services.GetRequiredService<IRunStore>();
        RunRecord? run = null;
        await Wait.UntilAsync(
            async () => (run = await store.GetRunAsync(runId)) is { } found && statuses.Contains(found.Status),
            $"run {runId} to be {string.Join(" or ", statuses)}",
            host.RunChanged,
            timeout,
            () => Task.FromResult($"It is {run?.Status}."));
        return run!;
    }
}
