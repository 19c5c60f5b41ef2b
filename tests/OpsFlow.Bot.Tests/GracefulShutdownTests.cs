using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// The host stopping as on SIGTERM (the host's StopAsync, which the console lifetime calls on the signal): a step
/// already running finishes within the grace period and its result is saved before the process would exit.
/// </summary>
public sealed class GracefulShutdownTests
{
    private sealed class GracefulFactory : OpsFlowFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("OpsFlow:Engine:ShutdownGracePeriod", "00:00:20");
        }
    }

    [Fact]
    public async Task Stop_WhileAStepRuns_WaitsForItAndSavesItsResult()
    {
        using var factory = new GracefulFactory();
        var api = new ApiClient(factory.CreateClient(), factory.RunChanged);
        var (status, body) = await api.PostAsync("/api/runs", "olivia", new { workflow = "slow" });
        Assert.Equal(HttpStatusCode.Created, status);
        var runId = body.GetProperty("run").GetProperty("id").GetString()!;
        await api.WaitForStatusAsync(runId, "Running");
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopped.Register(() => stopped.TrySetResult());

        lifetime.StopApplication();
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
        Assert.False(stopped.Task.IsCompleted, "the host waits for the running step instead of stopping at once");
        factory.SlowStepGate.SetResult();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);

        // The stopped host disposes its services: read what it saved from the database file itself.
        await using var services = new ServiceCollection().AddOpsFlowSqlite($"Data Source={factory.DatabasePath}").BuildServiceProvider();
        var store = services.GetRequiredService<IRunStore>();
        var step = Assert.Single(await store.GetStepsAsync(runId));
        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(1, step.Attempt);
        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync(runId))!.Status);
    }
}
