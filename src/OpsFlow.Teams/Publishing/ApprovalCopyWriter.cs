using Microsoft.Extensions.Logging;
using OpsFlow.Chat;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Brings one run's approval copies in line with the run: each approver the bot can reach (<see cref="IPersonalChats"/>)
/// gets the run's card, with its Approve / Reject / Extend buttons, in their 1:1 chat once per round of a waiting
/// approval; a copy is drawn again when the approval step changes (a vote, an extension, an escalation) and a last time
/// when the round is decided, wherever it was decided, and then closed. The requester and people who voted already get
/// no copy. Posting is claimed in the notice log, so one host posts each copy (at least once: a crash between the post
/// and its record posts it again).
/// </summary>
internal sealed class ApprovalCopyWriter(
    RunCardSource source,
    IPersonalChats people,
    IChatNoticeLog notices,
    IConnectorClient connector,
    ActorDirectory directory,
    TimeProvider clock,
    ILogger logger)
{
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A person the bot could not reach (403/404: the app is not installed for them) is tried again after this.</summary>
    public static readonly TimeSpan UnreachableRetry = TimeSpan.FromMinutes(30);

    private readonly string _claimant = Guid.NewGuid().ToString("n");

    /// <summary>The approval step as each copy last showed it: a copy is drawn again only when that changed.</summary>
    private readonly BoundedCache<string, string> _drawn = new(2_000);

    private readonly BoundedCache<string, DateTimeOffset> _unreachableUntil = new(2_000);

    /// <summary>Returns whether the run still has open copies.</summary>
    public async Task<bool> SyncAsync(string runId, CancellationToken cancellationToken)
    {
        var view = await source.LoadAsync(runId, null, cancellationToken);
        var copies = await people.GetCopiesAsync(runId, cancellationToken);
        if (view is null)
        {
            foreach (var gone in copies.Where(c => c.ClosedAt is null))
            {
                await people.CloseCopyAsync(gone.RunId, gone.Round, gone.UserId, clock.GetUtcNow(), cancellationToken);
            }

            return false;
        }

        var waiting = RunCardBuilder.IsFinal(view.Run.Status)
            ? []
            : view.Steps.Where(s => s.Kind == StepKind.Approval && s.Record.Status == StepStatus.Waiting && s.Approval is not null && s.Record.StartedAt is not null)
                .ToDictionary(Round, StringComparer.Ordinal);
        AdaptiveCard? card = null;
        AdaptiveCard Card() => card ??= RunCardBuilder.Build(view);

        var open = false;
        foreach (var copy in copies.Where(c => c.ClosedAt is null))
        {
            open |= await RedrawAsync(copy, waiting.GetValueOrDefault(copy.Round), Card, cancellationToken);
        }

        foreach (var (round, step) in waiting)
        {
            var sent = new HashSet<string>(copies.Where(c => c.Round == round).Select(c => c.UserId), StringComparer.OrdinalIgnoreCase);
            foreach (var name in directory.People(step.Approval!.Approvers))
            {
                if (await people.FindUserAsync(KindOf(name), name, cancellationToken) is not { } person
                    || IsRequester(view.Run, person) || HasVoted(step, person) || !sent.Add(person.UserId))
                {
                    continue;
                }

                open |= await PostAsync(view.Run, round, Signature(step.Record), person, Card(), cancellationToken);
            }
        }

        return open;
    }

    /// <summary>Draws an open copy again if its step changed, closing it once its round is over; true while it stays open.</summary>
    private async Task<bool> RedrawAsync(ApprovalCopy copy, StepView? step, Func<AdaptiveCard> card, CancellationToken cancellationToken)
    {
        var key = $"{copy.RunId}|{copy.Round}|{copy.UserId}";
        var shown = step is null ? "decided" : Signature(step.Record);
        if (step is not null && _drawn.TryGet(key, out var drawn) && drawn == shown)
        {
            return true;
        }

        try
        {
            if (await people.FindUserAsync(ChatNameKind.UserId, copy.UserId, cancellationToken) is { } person)
            {
                var reference = (person with { PersonalConversationId = copy.ConversationId }).Personal();
                await connector.UpdateAsync(reference, copy.ActivityId, Outgoing.Card(reference, card()), cancellationToken);
            }

            if (step is not null)
            {
                _drawn.Set(key, shown);
                return true;
            }
        }
        catch (ConnectorException ex) when (ex.StatusCode is not (403 or 404))
        {
            // Kept open: the next change or sweep draws it again.
            PublishingLog.ApprovalCopyFailed(logger, ex, copy.RunId, copy.UserId, ex.StatusCode);
            return true;
        }
        catch (ConnectorException ex)
        {
            // The person deleted the message or removed the app: there is nothing left to draw on.
            PublishingLog.ApprovalCopyFailed(logger, ex, copy.RunId, copy.UserId, ex.StatusCode);
        }

        await people.CloseCopyAsync(copy.RunId, copy.Round, copy.UserId, clock.GetUtcNow(), cancellationToken);
        _drawn.Remove(key);
        PublishingLog.ApprovalCopyClosed(logger, copy.RunId, copy.UserId);
        return false;
    }

    private async Task<bool> PostAsync(RunRecord run, string round, string shown, ChatUser person, AdaptiveCard card, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var unreachable = $"{run.Id}|{round}|{person.UserId}";
        if (_unreachableUntil.TryGet(unreachable, out var until) && until > now)
        {
            return false;
        }

        var key = $"{run.Id}|copy|{round}|{person.UserId}";
        if (await notices.ClaimNoticeAsync(key, run.Id, _claimant, now, now - ClaimTimeout, cancellationToken) != NoticeClaim.Claimed)
        {
            return false;
        }

        try
        {
            if (person.PersonalConversationId is null)
            {
                person = person with { PersonalConversationId = await connector.CreatePersonalConversationAsync(person, cancellationToken), UpdatedAt = now };
                await people.SaveUserAsync(person, cancellationToken);
            }

            var reference = person.Personal();
            var activityId = await connector.SendAsync(reference, Outgoing.Card(reference, card), cancellationToken);
            if (activityId is not null)
            {
                _drawn.Set($"{run.Id}|{round}|{person.UserId}", shown);
                await people.SaveCopyAsync(new ApprovalCopy(run.Id, round, person.UserId, reference.ConversationId, activityId, clock.GetUtcNow()), cancellationToken);
            }

            await notices.CompleteNoticeAsync(key, _claimant, clock.GetUtcNow(), cancellationToken);
            PublishingLog.ApprovalCopyPosted(logger, run.Id, person.UserId, reference.ConversationId);
            return activityId is not null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var status = (ex as ConnectorException)?.StatusCode;
            PublishingLog.ApprovalCopyFailed(logger, ex, run.Id, person.UserId, status);
            if (status is 403 or 404)
            {
                _unreachableUntil.Set(unreachable, now + UnreachableRetry);
            }

            // Not the caller's token: a claim left behind would block this copy on every host until it lapses.
            await notices.ReleaseNoticeAsync(key, _claimant, CancellationToken.None);
            return false;
        }
    }

    /// <summary>One wait of an approval step: a new round (a retry of the run, a later wait) begins at a new time.</summary>
    private static string Round(StepView step) => $"{step.Name}|{step.Record.StartedAt!.Value.UtcTicks}";

    private static string Signature(StepRecord step) => $"{step.Status}|{step.Votes.Count}|{step.Extensions}|{step.Escalated}|{step.DueAt?.UtcTicks}";

    private static ChatNameKind KindOf(string name) =>
        IdentityNames.IsUpn(name) ? ChatNameKind.Upn : IdentityNames.IsObjectId(name) ? ChatNameKind.ObjectId : ChatNameKind.UserId;

    private static bool IsRequester(RunRecord run, ChatUser person) =>
        IdentityNames.Names(run.RequestedById, person.UserId, person.Upn, person.ObjectId)
        || run.RequestedByAliases.Any(alias => IdentityNames.Names(alias, person.UserId, person.Upn, person.ObjectId));

    private static bool HasVoted(StepView step, ChatUser person) =>
        step.Record.Votes.Any(v => v.ActorIds.Append(v.ActorId).Any(id => IdentityNames.Names(id, person.UserId, person.Upn, person.ObjectId)));
}
