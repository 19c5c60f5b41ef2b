using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// At start, before any card is written: the ids the previous process journaled but may not have saved, then the cards
/// it may have left behind. Which card writes were pending lived in that process's memory: a run that ended just before
/// a crash kept the card of its last saved write, and a run created just before one may have had no card at all.
/// Active runs need nothing here (the engine resumes them, and their first change refreshes the card); ended ones are
/// written once more. Updating a card that was already right writes the same content again, which costs one call and
/// shows nothing new. Their notifications go through the notice log like any other, so what the previous process sent
/// is not sent again and what it never sent is sent now. Keeps no state.
/// </summary>
/// <param name="hasHome">Whether a run's card has a conversation to go to (its own, or the default conversation).</param>
internal sealed class CardRecovery(IRunStore runs, IChatStore chats, RunCardJournal? journal, TimeProvider clock, ILogger logger, Func<RunRecord, bool> hasHome)
{
    /// <summary>How far back runs are looked at: the runs of a day.</summary>
    public static readonly TimeSpan CatchUpWindow = TimeSpan.FromDays(1);

    /// <summary>Runs that ended this close to the newest run end are refreshed even when their card exists.</summary>
    public static readonly TimeSpan FinalWriteWindow = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan RecoverRetry = TimeSpan.FromSeconds(1);
    private const int CatchUpPage = 200;

    /// <summary>
    /// No card is written before the journal is saved: a first card whose id is only in the journal would be posted
    /// again once its claim lapsed. A database too busy to answer at start is tried again.
    /// </summary>
    public async Task RecoverCardIdsUntilSavedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await RecoverCardIdsAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PublishingLog.CardIdsRecoveryFailed(logger, ex, RecoverRetry);
            }

            await Task.Delay(RecoverRetry, clock, cancellationToken);
        }
    }

    public async Task RecoverCardIdsAsync(CancellationToken cancellationToken)
    {
        if (journal is null)
        {
            return;
        }

        var saved = 0;
        foreach (var card in await journal.ReadAsync(cancellationToken))
        {
            // Only over the claim its poster left: a saved card, or none at all, is not this line's to change.
            if (await chats.GetRunCardAsync(card.RunId, cancellationToken) is { ActivityId: null } stored
                && stored.ConversationId == card.ConversationId)
            {
                await chats.SaveRunCardAsync(card, cancellationToken);
                saved++;
            }
        }

        await journal.ClearAsync(cancellationToken);
        if (saved > 0)
        {
            PublishingLog.CardIdsRecovered(logger, saved);
        }
    }

    /// <summary>The ended runs whose card is written once more: every run of the last day that ended near the newest end, or has no card.</summary>
    public async Task<IReadOnlyList<RunRecord>> RunsToCatchUpAsync(CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - CatchUpWindow;
        var ended = new List<RunRecord>();
        for (var skip = 0; ; skip += CatchUpPage)
        {
            var page = await runs.ListRunsAsync(new RunQuery { From = since, Skip = skip, Take = CatchUpPage }, cancellationToken);
            ended.AddRange(page.Runs.Where(r => hasHome(r) && RunCardBuilder.IsFinal(r.Status) && r.EndedAt is not null));
            if (page.Runs.Count < CatchUpPage)
            {
                break;
            }
        }

        if (ended.Count == 0)
        {
            return [];
        }

        // The newest end approximates when the previous process stopped, whenever this one starts.
        var recentFrom = ended.Max(r => r.EndedAt!.Value) - FinalWriteWindow;
        var marked = new List<RunRecord>();
        foreach (var run in ended)
        {
            if (run.EndedAt >= recentFrom || await chats.GetRunCardAsync(run.Id, cancellationToken) is null)
            {
                marked.Add(run);
            }
        }

        PublishingLog.CaughtUp(logger, marked.Count, ended.Count);
        return marked;
    }
}
