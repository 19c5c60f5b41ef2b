using System.Collections.Concurrent;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// A short hello when the bot is installed or added to a conversation, and nothing when other people join. Teams
/// (and the Playground) announce one install with both an installationUpdate and a conversationUpdate, so each
/// conversation is greeted once per <see cref="Quiet"/>. With several hosts the two may reach different hosts: the
/// greeting is then claimed in the notice log, per conversation and ten-minute period, like a notification.
/// </summary>
internal sealed class WelcomeMessage(ChatReplies replies, IChatNoticeLog notices, TimeProvider clock)
{
    private readonly string _claimant = Guid.NewGuid().ToString("n");

    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _greeted = new(StringComparer.Ordinal);

    public async Task OnInstalledAsync(Turn turn, CancellationToken cancellationToken)
    {
        if (!AddsBot(turn.Activity))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var conversation = turn.Conversation.ConversationId;
        if (_greeted.TryGetValue(conversation, out var at) && now - at < Quiet)
        {
            return;
        }

        _greeted[conversation] = now;
        var key = $"welcome|{conversation}|{now.UtcTicks / Quiet.Ticks}";
        if (await notices.ClaimNoticeAsync(key, "-", _claimant, now, now - Quiet, cancellationToken) != NoticeClaim.Claimed)
        {
            return;
        }

        var name = turn.Activity.Recipient?.Name is { Length: > 0 } botName ? botName : "OpsFlow";
        var personal = turn.Conversation.ConversationType is null or "personal";
        var how = personal ? "Type /help" : $"Mention me and type /help (@{name} /help)";
        await replies.TextAsync(turn, $"{name} is here. {how} to see the workflows you can run and the commands for runs, approvals, schedules and reports.", cancellationToken);
        await notices.CompleteNoticeAsync(key, _claimant, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>installationUpdate "add", or a conversationUpdate whose new members include the bot itself.</summary>
    private static bool AddsBot(Activity activity) => activity.Type switch
    {
        ActivityTypes.InstallationUpdate => string.Equals(activity.Action, "add", StringComparison.OrdinalIgnoreCase),
        ActivityTypes.ConversationUpdate => activity.MembersAdded?.Any(m => m.Id is not null && string.Equals(m.Id, activity.Recipient?.Id, StringComparison.Ordinal)) == true,
        _ => false,
    };
}
