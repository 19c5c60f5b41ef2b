namespace OpsFlow.Persistence;

/// <summary>A conversation the bot can post into without being asked (its reference, docs/product.md §8).</summary>
internal sealed class ChatConversationRow
{
    public string ConversationId { get; set; } = "";
    public string ServiceUrl { get; set; } = "";
    public string ChannelId { get; set; } = "";
    public string BotId { get; set; } = "";
    public string? BotName { get; set; }
    public string? TenantId { get; set; }
    public string? ConversationType { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>A notification claimed or sent (the chat_notices table); see IChatNoticeLog.</summary>
internal sealed class ChatNoticeRow
{
    public string Key { get; set; } = "";
    public string RunId { get; set; } = "";
    public string Claimant { get; set; } = "";
    public long ClaimedAt { get; set; }
    public long? SentAt { get; set; }
}

/// <summary>Where a run's card lives: one row per run.</summary>
internal sealed class ChatRunCardRow
{
    public string RunId { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public string? ActivityId { get; set; }
    public long PostedAt { get; set; }
}

/// <summary>An inbound activity, kept from before its HTTP answer until it is handled (and a while after, to refuse re-deliveries).</summary>
internal sealed class ChatInboxRow
{
    public string Key { get; set; } = "";
    public string Json { get; set; } = "";
    public long ReceivedAt { get; set; }
    public long? DoneAt { get; set; }
}

/// <summary>A notice for one channel (INoticeOutbox): stored before it is tried, claimed, then sent or given up.</summary>
internal sealed class NoticeDeliveryRow
{
    public string Key { get; set; } = "";
    public string Channel { get; set; } = "";
    public string RunId { get; set; } = "";
    public string Level { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public long CreatedAt { get; set; }
    public long NextAt { get; set; }
    public int Attempts { get; set; }
    public long? SentAt { get; set; }
    public bool GaveUp { get; set; }
    public string? LastError { get; set; }
    public string? Claimant { get; set; }
    public long? ClaimedAt { get; set; }
}

/// <summary>A person the bot can reach in a 1:1 chat (IPersonalChats); the *Key columns hold the lower-cased names it is found by.</summary>
internal sealed class ChatUserRow
{
    public string UserId { get; set; } = "";
    public string UserIdKey { get; set; } = "";
    public string? Name { get; set; }
    public string? ObjectId { get; set; }
    public string? Upn { get; set; }
    public string? UpnKey { get; set; }
    public string ServiceUrl { get; set; } = "";
    public string ChannelId { get; set; } = "";
    public string BotId { get; set; } = "";
    public string? BotName { get; set; }
    public string? TenantId { get; set; }
    public string? PersonalConversationId { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>An approver's copy of a run card in their 1:1 chat, for one round of an approval.</summary>
internal sealed class ApprovalCopyRow
{
    public string RunId { get; set; } = "";
    public string Round { get; set; } = "";
    public string UserId { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public long PostedAt { get; set; }
    public long? ClosedAt { get; set; }
}
