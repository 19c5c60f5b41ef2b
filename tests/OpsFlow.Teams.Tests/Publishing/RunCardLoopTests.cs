using System.Diagnostics;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>The hosted loop itself (the other tests drive its pump directly).</summary>
public sealed class RunCardLoopTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task HostedLoop_WakesOnChanges_AndWritesTheCardAsTheClockMoves()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.Publisher.StartAsync(CancellationToken.None);
        try
        {
            await h.CreateRunAsync("r-1", "conv-1");
            await StepClockUntilAsync(h, () => h.Connector.Calls.Count == 1);
            await h.SetStatusAsync("r-1", RunStatus.Succeeded);
            await StepClockUntilAsync(h, () => h.Connector.Calls.Count == 2);
        }
        finally
        {
            await h.Publisher.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["Send", "Update"], h.Connector.Calls.Select(c => c.Kind));
        Assert.Contains("Succeeded", RunCardPublisherTests.CardText(h.Connector.Calls[^1]), StringComparison.Ordinal);
    }

    /// <summary>
    /// Moves fake time in small steps, giving the loop real time to react between them (it may not have armed its
    /// timer yet when the clock first moves), until the condition holds or the guard runs out.
    /// </summary>
    private static async Task StepClockUntilAsync(PublisherHarness h, Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Guard, $"the loop made {h.Connector.Calls.Count} calls; the condition never held");
            h.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }
}
