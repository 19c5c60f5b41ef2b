using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// Two engines (two hosts) on one SQLite file with run leases: a command received by the host that is not executing
/// the run reaches the run through the mailbox instead of waiting for it to go idle. The shared fake clock runs
/// about five times faster than real time, so the engines' lease and mailbox timers tick.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the hosts through IAsyncLifetime.DisposeAsync.")]
public sealed class EngineMailboxTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(EngineHarness.Start);
    private readonly Journal _journal = new();
    private readonly CancellationTokenSource _stopPump = new();
    private readonly EngineOptions _options = new() { CommandWait = TimeSpan.FromSeconds(3), MailboxPollInterval = TimeSpan.FromMilliseconds(200) };
    private SqliteDatabase _a = null!;
    private SqliteDatabase _b = null!;
    private EngineHarness _driver = null!;
    private EngineHarness _receiver = null!;
    private Task _pump = Task.CompletedTask;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<string> _mailed = new();

    public async Task InitializeAsync()
    {
        _a = await SqliteDatabase.CreateAsync(_clock, shared: true);
        _b = await SqliteDatabase.CreateAsync(_clock, _a.Folder, shared: true);
        _driver = new EngineHarness(_a.Store, _clock, Catalog(), _options, ownership: _a.Services.GetRequiredService<IRunOwnership>());
        _receiver = new EngineHarness(_b.Store, _clock, Catalog(), _options, ownership: _b.Services.GetRequiredService<IRunOwnership>());
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "opsflow.commands.mailed")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    _mailed.Enqueue((string)tag.Value!);
                }
            }
        });
        _meters.Start();
        _pump = Task.Run(async () =>
        {
            while (!_stopPump.IsCancellationRequested)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(50));
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }
        });
    }

    public async Task DisposeAsync()
    {
        _meters.Dispose();
        await _stopPump.CancelAsync();
        await _pump;
        await _receiver.DisposeAsync();
        await _driver.DisposeAsync();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        _stopPump.Dispose();
    }

    private InMemoryWorkflowCatalog Catalog()
    {
        var workflow = new WorkflowBuilder("long");
        workflow.Step("work", async ctx =>
        {
            _journal.Add("work started");
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
            }
            finally
            {
                _journal.Add("work stopped");
            }
        });
        return new InMemoryWorkflowCatalog().Add(workflow.Build());
    }

    [Fact]
    public async Task Cancel_ReceivedByTheHostNotExecutingTheRun_ReachesTheRunThroughTheMailbox()
    {
        var run = await _driver.StartAsync("long", EngineHarness.Carol);
        await _driver.WaitForStepAsync(run.Id, "work", StepStatus.Running);
        Assert.True(await _receiver.Engine.IsHeldElsewhereAsync(run.Id), "the receiving host sees the run held by the other");

        var result = await _receiver.Engine.SendAsync(run.Id, new RunCommand.Cancel(EngineHarness.Carol, "wrong version"));

        Assert.True(result.Outcome == CommandOutcome.Done, $"the driving host's answer comes back: {result.Outcome} {result.Message}");
        Assert.Contains("cancelled", result.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, result.Run?.Status);
        await _driver.WaitUntilAsync(() => Task.FromResult(_journal.Count("work stopped") == 1), "the running step to be cancelled");
        Assert.Contains("cancelled by Carol (carol): wrong version", await _driver.HistoryTextAsync(run.Id), StringComparison.Ordinal);
        Assert.Equal(["answered"], _mailed);
    }

    [Fact]
    public async Task Command_TheSenderMayNotGive_IsRefusedByTheDrivingHost_AndChangesNothing()
    {
        var run = await _driver.StartAsync("long", EngineHarness.Carol);
        await _driver.WaitForStepAsync(run.Id, "work", StepStatus.Running);

        var result = await _receiver.Engine.SendAsync(run.Id, new RunCommand.Pause(EngineHarness.Victor));

        Assert.True(result.Outcome == CommandOutcome.Forbidden, $"a viewer may not pause: {result.Outcome} {result.Message}");
        Assert.Equal(RunStatus.Running, (await _a.Store.GetRunAsync(run.Id))?.Status);

        var paused = await _receiver.Engine.SendAsync(run.Id, new RunCommand.Pause(EngineHarness.Alice));
        Assert.True(paused.Outcome == CommandOutcome.Done, $"an operator may: {paused.Outcome} {paused.Message}");
        Assert.Equal(RunStatus.Paused, (await _a.Store.GetRunAsync(run.Id))?.Status);
    }

    [Fact]
    public async Task Command_NoHostTakes_IsWithdrawnAfterTheWait_AndRefusedSayingNothingWasDone()
    {
        await _a.Store.CreateRunAsync(RunStoreContractFixtures.NewRun("held-run", workflow: "long"));
        await using var silent = await SqliteDatabase.CreateAsync(_clock, _a.Folder, shared: true);
        var silentHost = silent.Services.GetRequiredService<IRunOwnership>();
        Assert.True(await silentHost.TryClaimAsync("held-run", _clock.GetUtcNow() + TimeSpan.FromHours(1)), "a host that never reads its mail holds the run");

        var result = await _receiver.Engine.SendAsync("held-run", new RunCommand.Cancel(EngineHarness.Carol, null));

        Assert.True(result.Outcome == CommandOutcome.Refused, $"{result.Outcome} {result.Message}");
        Assert.Contains("did not take the command in time; nothing was done", result.Message, StringComparison.Ordinal);
        Assert.Empty(await silentHost.TakeAsync());
        Assert.Equal(RunStatus.Pending, (await _a.Store.GetRunAsync("held-run"))?.Status);
        Assert.Equal(["withdrawn"], _mailed);
    }
}
