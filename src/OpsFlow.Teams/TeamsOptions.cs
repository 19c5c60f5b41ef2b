using OpsFlow.Engine.Model;
namespace OpsFlow.Teams;

/// <summary>The Teams channel (section "OpsFlow:Teams").</summary>
public sealed class TeamsOptions
{
    /// <summary>The bot's Microsoft App id. Empty: local development, no authentication either way (logged loudly).</summary>
    public string? AppId { get; set; }

    /// <summary>The app's client secret for outbound tokens. Comes from a secret store or the environment, never the repo.</summary>
    public string? AppPassword { get; set; }

    /// <summary>The bot's own tenant for a single-tenant bot; empty for multi-tenant (tokens from botframework.com).</summary>
    public string? TenantId { get; set; }

    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    public string Issuer { get; set; } = "https://api.botframework.com";

    /// <summary>The https base URL Teams reaches this host at; its host name goes into the app manifest's validDomains.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Where people open the dashboard; cards link runs there. Empty: no links.</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>Names for conversations, so a script can say `conversation: "ops"` instead of a Teams id.</summary>
    public Dictionary<string, string> Conversations { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Where the card of a run not started in chat goes (the API, the dashboard, the command line, a schedule with no
    /// conversation of its own): a conversation id or a name from <see cref="Conversations"/>. Empty: such runs post no
    /// card, and their approvals are seen only on the dashboard.
    /// </summary>
    public string? DefaultConversation { get; set; }

    /// <summary>How long the background handling of one activity may take before it is cancelled.</summary>
    public TimeSpan ProcessingTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an invoke (a card button) may take before the button gets a "still working" answer.</summary>
    public TimeSpan InvokeTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The local file a first card's activity id is written to before its database save (RunCardJournal), relative to
    /// the working directory; one per host. Empty: off.
    /// </summary>
    public string? CardJournalPath { get; set; } = "data/run-card-ids.log";

    /// <summary>The largest activity accepted; Teams' own limit for a message is about 100 KB.</summary>
    public int MaxActivityBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Several hosts: an accepted activity whose host has not shown it is alive for this long is taken over by another
    /// host (the one that accepted it died; a live host refreshes what it holds three times per period). Default:
    /// 15 s when several hosts share the database, off for one host (its own restart replays what it accepted).
    /// </summary>
    public TimeSpan? OrphanedActivityAfter { get; set; }

    /// <summary>Handled activity ids are kept this long to refuse re-deliveries.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// The Bot Framework channels served (an activity's channelId). Empty: "msteams" only. Web Chat and Direct Line let
    /// the client choose its user id and object id; add them only for a bot no role or approval depends on.
    /// </summary>
    public string[] Channels { get; set; } = [];

    /// <summary>
    /// The Entra tenants served. Empty: the bot's own <see cref="TenantId"/> when set, otherwise any tenant (warned at
    /// start: a multi-tenant app id can be installed by any organisation).
    /// </summary>
    public string[] Tenants { get; set; } = [];

    /// <summary>
    /// serviceUrls besides the Bot Framework's own hosts (https://smba.trafficmanager.net/…, *.botframework.com, the
    /// government clouds) that the bot may take activities from and send to; each a URL prefix.
    /// </summary>
    public string[] ServiceUrls { get; set; } = [];

    /// <summary>Commands one person may send a minute; more get a reply asking them to wait. Default 20.</summary>
    public int CommandsPerUserPerMinute { get; set; } = 20;

    /// <summary>Commands one conversation may send a minute, everyone together. Default 60.</summary>
    public int CommandsPerConversationPerMinute { get; set; } = 60;

    /// <summary>
    /// Activities this host holds for handling at most; more are answered 503 with Retry-After, and the channel
    /// delivers them again later. Default 1,000.
    /// </summary>
    public int MaxQueuedActivities { get; set; } = 1_000;

    public bool Authenticates => !string.IsNullOrWhiteSpace(AppId);

    /// <summary>The channels served, the default applied.</summary>
    public IReadOnlyList<string> ServedChannels => Channels.Length == 0 ? ["msteams"] : Channels;

    /// <summary>The tenants served, the default applied; empty means any.</summary>
    public IReadOnlyList<string> ServedTenants =>
        Tenants.Length > 0 ? Tenants : string.IsNullOrWhiteSpace(TenantId) ? [] : [TenantId.Trim()];

    /// <summary>A conversation id for a configured name, or the value itself.</summary>
    public string ResolveConversation(string nameOrId) =>
        Conversations.TryGetValue(nameOrId, out var id) ? id : nameOrId;

    /// <summary>The conversation a run's card belongs in: where it was asked for, else the default conversation, else none.</summary>
    public string? HomeOf(RunRecord run) =>
        !string.IsNullOrWhiteSpace(run.ReplyTo) ? ResolveConversation(run.ReplyTo)
        : !string.IsNullOrWhiteSpace(DefaultConversation) ? ResolveConversation(DefaultConversation.Trim())
        : null;
}
