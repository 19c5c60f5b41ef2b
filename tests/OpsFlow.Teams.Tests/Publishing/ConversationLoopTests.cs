using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Model;
using OpsFlow.Chat;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>
/// Card publishing as one loop per conversation, running as the host runs it (started, on its own threads): the order
/// of writes in a conversation, conversations that do not wait for each other, changes that arrive while a write is in
/// flight, the journal before everything else, and a clean stop. The connector holds every call until the test lets
/// it go, so each test waits on calls starting, never on time passing; the fake clock moves only while the loop is
/// inside a call, where it cannot be waiting on a timer.
/// </summary>
public sealed class ConversationLoopTests : IDisposable
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);
    private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-loop-").FullName;

    private static PublisherHarness Gated(out GatedConnector connector)
    {
        var h = new PublisherHarness();
        connector = new GatedConnector();
        h.ConnectorInstead = connector;
        h.Restart();
        return h;
    }

    [Fact]
    public async Task Cards_InOneConversation_AreWrittenOneAtATime_InTheOrderTheirRunsChanged()
    {
        var h = Gated(out var connector);
        await h.ConversationAsync("conv-1");
        foreach (var id in new[] { "r-1", "r-2", "r-3" })
        {
            await h.CreateRunAsync(id, "conv-1");
            h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        await h.Publisher.StartAsync(CancellationToken.None);
        var order = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var call = await connector.NextAsync($"card {i + 1} of 3");
            // The summary reads "deploy run r-1: Pending".
            order.Add(call.Summary.Split(':')[0].Split(' ')[^1]);
            // Past the spacing between two card writes, while the loop is inside this call.
            h.Clock.Advance(S);
            call.Release.SetResult();
        }

        await h.Publisher.StopAsync(CancellationToken.None);

        Assert.True(order.SequenceEqual(["r-1", "r-2", "r-3"]), $"first cards go out in the order their runs changed: {string.Join(", ", order)}");
        Assert.True(connector.MaxInFlightInOneConversation == 1, $"{connector.MaxInFlightInOneConversation} writes were in flight at once in one conversation; its loop makes one at a time");
    }

    [Fact]
    public async Task AConversationWhoseWriteHangs_DoesNotHoldBackAnother()
    {
        var h = Gated(out var connector);
        await h.ConversationAsync("conv-1");
        await h.ConversationAsync("conv-2");
        await h.Publisher.StartAsync(CancellationToken.None);

        await h.CreateRunAsync("r-1", "conv-1");
        var first = await connector.NextAsync("conv-1's card");
        await h.CreateRunAsync("r-2", "conv-2");
        var second = await connector.NextAsync("conv-2's card, while conv-1's is still in flight");

        Assert.True((first.ConversationId, second.ConversationId) == ("conv-1", "conv-2"), $"calls started in {first.ConversationId} then {second.ConversationId}");
        first.Release.SetResult();
        second.Release.SetResult();
        await h.Publisher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ChangesArrivingWhileTheFirstCardIsInFlight_BecomeOneUpdate_ShowingTheLast()
    {
        var h = Gated(out var connector);
        await h.ConversationAsync("conv-1");
        await h.Publisher.StartAsync(CancellationToken.None);
        await h.CreateRunAsync("r-1", "conv-1");
        var post = await connector.NextAsync("the first card");

        for (var i = 1; i <= 49; i++)
        {
            var percent = i * 2;
            await h.ChangeAsync("r-1", r => r with { Status = RunStatus.Running, StartedAt = h.Clock.GetUtcNow() }, ("build", s => s with { Status = StepStatus.Running, Attempt = 1, ProgressPercent = percent }));
        }

        await h.SetStatusAsync("r-1", RunStatus.Succeeded);
        h.Clock.Advance(S);
        post.Release.SetResult();
        var update = await connector.NextAsync("the update after 50 changes");
        update.Release.SetResult();
        await h.Publisher.StopAsync(CancellationToken.None);

        Assert.Equal(("Send", "Update"), (post.Kind, update.Kind));
        Assert.True(update.Summary.Contains("Succeeded", StringComparison.Ordinal), $"the one update shows the last state, not an intermediate one: {update.Summary}");
        Assert.True(connector.Count == 2, $"50 changes during one write should make one more write, not {connector.Count - 1}");
    }

    [Fact]
    public async Task FirstCardId_IsInTheJournal_BeforeItsSave_AndBeforeTheCardIsWrittenAgain()
    {
        var h = new PublisherHarness();
        using var journal = new RunCardJournal(Path.Combine(_folder, "run-card-ids.log"), NullLogger<RunCardJournal>.Instance);
        var chats = new ObservedChatStore(h.Chats);
        var journaledAt = new List<string>();
        async Task NoteJournalAsync(string what) =>
            journaledAt.Add($"{what}: {string.Join(',', (await journal.ReadAsync(CancellationToken.None)).Select(c => c.ActivityId))}");
        chats.Before = entry => entry.StartsWith("save r-1", StringComparison.Ordinal) ? NoteJournalAsync(entry) : Task.CompletedTask;
        h.Connector.OnCall = kind =>
        {
            if (kind == "Update")
            {
                NoteJournalAsync("update").GetAwaiter().GetResult();
            }
        };
        (h.Journal, h.ChatsInstead) = (journal, chats);
        h.Restart();
        await h.ConversationAsync("conv-1");

        await h.CreateRunAsync("r-1", "conv-1");
        await h.AdvanceAsync(S);
        await h.SetStatusAsync("r-1", RunStatus.Succeeded);
        await h.AdvanceAsync(S);

        Assert.True(journaledAt.SequenceEqual(["save r-1 activity-1: activity-1", "update: activity-1"]),
            "the id is journaled (and flushed: another reader sees it) before the database save and before any other write of the run: " + string.Join(" | ", journaledAt));
    }

    [Fact]
    public async Task AtStart_NothingIsWrittenUntilTheJournalOfTheDeadProcessIsSaved()
    {
        var h = Gated(out var connector);
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-old", "conv-1");
        var now = h.Clock.GetUtcNow();
        Assert.True(await h.Chats.TryClaimRunCardAsync("r-old", "conv-1", now, now - (30 * S)), "the dead process's claim");
        var path = Path.Combine(_folder, "run-card-ids.log");
        using (var dead = new RunCardJournal(path, NullLogger<RunCardJournal>.Instance))
        {
            Assert.True(await dead.WriteAsync(new RunCard("r-old", "conv-1", "activity-7", now), CancellationToken.None), "the dead process's journal line");
        }

        using var journal = new RunCardJournal(path, NullLogger<RunCardJournal>.Instance);
        var chats = new ObservedChatStore(h.Chats);
        var recovering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var database = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chats.Before = entry =>
        {
            if (entry != "get r-old")
            {
                return Task.CompletedTask;
            }

            // The recovery's read: the database answers only when the test lets it.
            recovering.TrySetResult();
            return database.Task;
        };
        (h.Journal, h.ChatsInstead) = (journal, chats);
        h.Restart();
        await h.Publisher.StartAsync(CancellationToken.None);
        await recovering.Task.WaitAsync(15 * S, TimeProvider.System);

        await h.CreateRunAsync("r-new", "conv-1");
        database.SetResult();
        var call = await connector.NextAsync("r-new's card once the journal is saved");
        call.Release.SetResult();
        await h.Publisher.StopAsync(CancellationToken.None);

        var log = chats.Log;
        var saved = log.ToList().IndexOf("save r-old activity-7");
        var firstOfNew = log.ToList().FindIndex(e => e.EndsWith("r-new", StringComparison.Ordinal));
        Assert.True(saved >= 0 && firstOfNew > saved, "the new run's card waited for the journal's save: " + string.Join(" | ", log));
        Assert.Contains("r-new", call.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_CancelsTheWriteInFlight_AndEveryLoopEnds()
    {
        var h = Gated(out var connector);
        await h.ConversationAsync("conv-1");
        await h.ConversationAsync("conv-2");
        await h.Publisher.StartAsync(CancellationToken.None);
        await h.CreateRunAsync("r-1", "conv-1");
        await h.CreateRunAsync("r-2", "conv-2");
        var calls = new[] { await connector.NextAsync("a first card"), await connector.NextAsync("the other first card") };

        await h.Publisher.StopAsync(CancellationToken.None).WaitAsync(15 * S, TimeProvider.System);

        Assert.True(calls.All(c => c.Token.IsCancellationRequested), "a stop cancels the writes in flight through the token they were given");
        Assert.True(h.Publisher.ExecuteTask is { IsCompletedSuccessfully: true }, $"the service ends cleanly once every loop has: {h.Publisher.ExecuteTask?.Status}");
        await h.SetStatusAsync("r-1", RunStatus.Succeeded);
        Assert.True(connector.Count == 2, "a change after the stop is not written");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
