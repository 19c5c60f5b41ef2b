using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

/// <summary>
/// OpsFlow:Notifications: which levels go where. A route names levels and channels: "email:&lt;name&gt;" (a server and
/// its recipients under <see cref="Email"/>), "webhook:&lt;name&gt;" (under <see cref="Webhooks"/>) or
/// "teams:&lt;conversation&gt;" (a conversation id or a name from OpsFlow:Teams:Conversations). No route: no delivery
/// beyond the run's own conversation.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "OpsFlow:Notifications";

    public List<NoticeRoute> Routes { get; set; } = [];

    public Dictionary<string, EmailChannelOptions> Email { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, WebhookChannelOptions> Webhooks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Attempts per delivery before it is given up (and listed as failed).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often each channel looks for due deliveries when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The weekly digest and the monthly report, posted by schedule (<see cref="ReportOptions"/>).</summary>
    public ReportOptions Reports { get; set; } = new();

    /// <summary>Every channel some route or the reports name, once, in the order first named.</summary>
    public IReadOnlyList<string> Channels => [.. Routes.SelectMany(r => r.To).Concat(ReportChannels).Select(c => c.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Where the reports go: <see cref="ReportOptions.To"/>, and every channel info notices are routed to.</summary>
    public IReadOnlyList<string> ReportChannels =>
        Reports.Weekly || Reports.Monthly
            ? [.. Reports.To.Concat(ChannelsFor(NoticeLevel.Info)).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)]
            : [];

    /// <summary>The channels a notice of <paramref name="level"/> goes to.</summary>
    public IReadOnlyList<string> ChannelsFor(NoticeLevel level) =>
        [.. Routes.Where(r => r.Levels.Contains(level)).SelectMany(r => r.To).Select(c => c.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
}

/// <summary>
/// OpsFlow:Notifications:Reports: the weekly digest (Mondays, for the week that ended) and the monthly report (on the
/// 1st, for the month that ended), at <see cref="At"/> in <see cref="TimeZone"/>, to <see cref="To"/> (by default the
/// Teams default conversation) and every channel info notices are routed to.
/// </summary>
public sealed class ReportOptions
{
    public bool Weekly { get; set; } = true;

    public bool Monthly { get; set; } = true;

    /// <summary>The time of day the reports go out. Default 08:00.</summary>
    public TimeSpan At { get; set; } = TimeSpan.FromHours(8);

    /// <summary>An IANA or Windows time zone id for <see cref="At"/> and the day. Default UTC.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Channels (teams:&lt;conversation&gt;, email:&lt;name&gt;, webhook:&lt;name&gt;); empty means the Teams default conversation, when there is one.</summary>
    public List<string> To { get; set; } = [];
}

/// <summary>A route: notices of these levels go to these channels.</summary>
public sealed class NoticeRoute
{
    public List<NoticeLevel> Levels { get; set; } = [];

    public List<string> To { get; set; } = [];
}

/// <summary>An SMTP server and who gets the mail.</summary>
public sealed class EmailChannelOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary>none, starttls (upgrade the connection, required), ssl (TLS from the start) or auto (STARTTLS when offered).</summary>
    public string Security { get; set; } = "auto";

    public string? UserName { get; set; }

    /// <summary>The name of the password in OpsFlow:Secrets (never the password itself).</summary>
    public string? PasswordSecret { get; set; }

    public string From { get; set; } = "";

    public List<string> To { get; set; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>An HTTP endpoint that gets each notice as JSON, signed.</summary>
public sealed class WebhookChannelOptions
{
    public string Url { get; set; } = "";

    /// <summary>json (OpsFlow's shape) or slack (a Slack incoming-webhook body: {"text": …}).</summary>
    public string Format { get; set; } = "json";

    /// <summary>The name of the signing key in OpsFlow:Secrets: X-OpsFlow-Signature is its HMAC-SHA256 of "timestamp.body".</summary>
    public string? SecretName { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
