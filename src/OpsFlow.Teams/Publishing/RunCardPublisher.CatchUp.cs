using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// After a restart, the cards the previous process may have left behind. Which card writes were pending lived in
/// that process's memory: a run that ended just before a crash kept the card of its last saved write, and a run
/// created just before one may have had no card at all. Active runs need nothing here (the engine resumes them, and
/// their first change refreshes the card); ended ones are marked dirty once. Updating a card that was already
/// right writes the same content again, which costs one call and shows nothing new. Their notifications go through the
/// notice log like any other, so what the previous process sent is not sent again and what it never sent is sent now.
/// </summary>
public sealed partial class RunCardPublisher
{
    /// <summary>How far back runs are looked at: the runs of a day.</summary>
    public static readonly TimeSpan CatchUpWindow = TimeSpan.FromDays(1);

    /// <summary>Runs that ended this close to the newest run end are refreshed even when their card exists.</summary>
    public static readonly TimeSpan FinalWriteWindow = TimeSpan.FromMinutes(10);

    private const int CatchUpPage = 200;

    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - CatchUpWindow;
        var ended = new List<RunRecord>();
        for (var skip = 0; ; skip += CatchUpPage)
        {
            var page = await runs.ListRunsAsync(new RunQuery { From = since, Skip = skip, Take = CatchUpPage }, cancellationToken).ConfigureAwait(false);
            ended.AddRange(page.Runs.Where(r => !string.IsNullOrWhiteSpace(r.ReplyTo) && RunCardBuilder.IsFinal(r.Status) && r.EndedAt is not null));
            if (page.Runs.Count < CatchUpPage)
            {
                break;
            }
        }

        if (ended.Count == 0)
        {
            return;
        }

        // The newest end approximates when the previous process stopped, whenever this one starts.
        var recentFrom = ended.Max(r => r.EndedAt!.Value) - FinalWriteWindow;
        var marked = 0;
        foreach (var run in ended)
        {
            if (run.EndedAt >= recentFrom || await chats.GetRunCardAsync(run.Id, cancellationToken).ConfigureAwait(false) is null)
            {
                Mark(run);
                marked++;
            }
        }

        PublishingLog.CaughtUp(logger, marked, ended.Count);
        Wake();
    }

    private void Mark(RunRecord run)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(run.Id, out var slot))
            {
                slot = new RunSlot(run.Id) { ConversationId = options.ResolveConversation(run.ReplyTo!) };
                _slots[run.Id] = slot;
            }

            slot.MarkDirty(clock.GetUtcNow());
            slot.Final = true;
        }
    }
}
