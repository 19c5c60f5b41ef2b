using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Notifications;

namespace OpsFlow.Bot.Tests;

/// <summary>A restart loses the router's queue; on start it routes the runs whose notices are still news.</summary>
public sealed class NoticeRouterCatchUpTests
{
    [Fact]
    public async Task OnStart_ARunThatFailedMinutesAgo_IsRoutedToItsChannels_AnOldFailureIsNot()
    {
        await using var harness = new EngineHarness();
        var workflow = new WorkflowBuilder("broken");
        workflow.Step("write", _ => throw new IOException("disk full"));
        harness.Add(workflow.Build());
        var old = await harness.StartAsync("broken");
        await harness.WaitForRunAsync(old.Id, RunStatus.Failed);
        harness.Clock.Advance(TimeSpan.FromHours(1));
        var recent = await harness.StartAsync("broken");
        await harness.WaitForRunAsync(recent.Id, RunStatus.Failed);
        harness.Clock.Advance(TimeSpan.FromMinutes(3));

        var options = new NotificationOptions { Routes = [new NoticeRoute { Levels = [NoticeLevel.Error], To = ["email:oncall", "webhook:pager"] }] };
        var outbox = new RecordingOutbox();
        using var router = new NoticeRouter(options, harness.Store, outbox, new DeliverySignal(), harness.Time, NullLogger<NoticeRouter>.Instance);
        await router.StartAsync(CancellationToken.None);
        await outbox.Added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await router.StopAsync(CancellationToken.None);

        Assert.Equal(
            [($"{recent.Id}|failed|write|1", "email:oncall"), ($"{recent.Id}|failed|write|1", "webhook:pager")],
            outbox.Enqueued.Select(d => (d.Key, d.Channel)));
    }
}
