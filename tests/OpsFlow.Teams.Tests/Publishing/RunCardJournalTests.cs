using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;
using OpsFlow.Chat;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>The local file a first card's id goes to before its database save, and what a restart does with it.</summary>
public sealed class RunCardJournalTests : IDisposable
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);
    private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-journal-").FullName;

    private string JournalPath => Path.Combine(_folder, "data", "run-card-ids.log");

    private RunCardJournal NewJournal() => new(JournalPath, NullLogger<RunCardJournal>.Instance);

    [Fact]
    public async Task FirstCard_IsWrittenToTheJournal_WithTheIdTheConnectorGave()
    {
        var h = new PublisherHarness();
        using var journal = NewJournal();
        h.Journal = journal;
        h.Restart();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");

        await h.AdvanceAsync(S);

        var written = Assert.Single(await journal.ReadAsync(CancellationToken.None));
        Assert.Equal(("r-1", "conv-1", "activity-1"), (written.RunId, written.ConversationId, written.ActivityId));
    }

    [Fact]
    public async Task Restart_AfterAKillBetweenThePostAndTheSave_SavesTheJournaledId_AndUpdatesThatCardInsteadOfPostingAnother()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");
        var now = h.Clock.GetUtcNow();
        // The dead process claimed the card, posted it as activity-7 and wrote the id here, but never saved it.
        Assert.True(await h.Chats.TryClaimRunCardAsync("r-1", "conv-1", now, now - (30 * S)));
        using (var dead = NewJournal())
        {
            Assert.True(await dead.WriteAsync(new RunCard("r-1", "conv-1", "activity-7", now), CancellationToken.None));
            Assert.True(await dead.WriteAsync(new RunCard("r-unknown", "conv-1", "activity-8", now), CancellationToken.None));
        }

        await File.AppendAllTextAsync(JournalPath, "r-2\tconv-1\tactiv"); // a line the kill cut short
        using var journal = NewJournal();
        h.Journal = journal;
        h.Restart();
        await h.Publisher.RecoverCardIdsAsync(CancellationToken.None);
        await h.SetStatusAsync("r-1", RunStatus.Succeeded);
        await h.AdvanceAsync(5 * S);

        Assert.Equal("activity-7", (await h.Chats.GetRunCardAsync("r-1"))?.ActivityId);
        Assert.Null(await h.Chats.GetRunCardAsync("r-unknown"));
        var call = Assert.Single(h.Connector.Calls);
        Assert.Equal(("Update", "activity-7"), (call.Kind, call.ActivityId));
        Assert.DoesNotContain(RunCardBuilder.ReplacementLine, RunCardPublisherTests.CardText(call), StringComparison.Ordinal);
        Assert.Empty(await journal.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Recover_NeverOverwritesASavedCard()
    {
        var h = new PublisherHarness();
        await h.Chats.SaveRunCardAsync(new RunCard("r-1", "conv-1", "activity-2", h.Clock.GetUtcNow()));
        using (var dead = NewJournal())
        {
            await dead.WriteAsync(new RunCard("r-1", "conv-1", "activity-1", h.Clock.GetUtcNow()), CancellationToken.None);
        }

        using var journal = NewJournal();
        h.Journal = journal;
        h.Restart();
        await h.Publisher.RecoverCardIdsAsync(CancellationToken.None);

        Assert.Equal("activity-2", (await h.Chats.GetRunCardAsync("r-1"))?.ActivityId);
    }

    [Fact]
    public async Task NoPath_WritesNothing()
    {
        using var journal = new RunCardJournal(null, NullLogger<RunCardJournal>.Instance);

        Assert.False(await journal.WriteAsync(new RunCard("r-1", "conv-1", "activity-1", PublisherHarness.T0), CancellationToken.None));
        Assert.Empty(await journal.ReadAsync(CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")), "nothing is created when the journal is off");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
