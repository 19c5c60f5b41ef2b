using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

/// <summary>Delivers one notice to one channel; throws when it could not (the outbox tries again later).</summary>
internal interface INoticeChannel
{
    Task SendAsync(NoticeDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>Channel names ("email:oncall") to the senders that deliver them.</summary>
internal sealed class NoticeChannels(NotificationOptions options, ISecretSource secrets, IHttpClientFactory http, IAnnouncements announcements, TimeProvider clock)
{
    public const string HttpClientName = "OpsFlow.Notifications";

    public static (string Kind, string Target) Split(string channel)
    {
        var colon = channel.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (channel.ToLowerInvariant(), "") : (channel[..colon].Trim().ToLowerInvariant(), channel[(colon + 1)..].Trim());
    }

    public INoticeChannel For(string channel)
    {
        var (kind, target) = Split(channel);
        return kind switch
        {
            "email" => new EmailChannel(options.Email[target], secrets),
            "webhook" => new WebhookChannel(options.Webhooks[target], secrets, http, clock),
            "teams" => new TeamsChannel(target, announcements),
            _ => throw new InvalidOperationException($"'{channel}' is not a channel (email:<name>, webhook:<name>, teams:<conversation>)."),
        };
    }
}

/// <summary>A mail over SMTP (MailKit), plain text, to the channel's recipients.</summary>
internal sealed class EmailChannel(EmailChannelOptions options, ISecretSource secrets) : INoticeChannel
{
    public async Task SendAsync(NoticeDelivery delivery, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = $"[OpsFlow {delivery.Level.ToString().ToLowerInvariant()}] {delivery.Subject}";
        message.Headers.Add("X-OpsFlow-Notice", delivery.Key);
        message.Body = new TextPart("plain") { Text = delivery.RunId.Length == 0 ? $"{delivery.Text}\n" : $"{delivery.Text}\n\nRun: {delivery.RunId}\nLevel: {delivery.Level}\n" };

        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        var security = options.Security.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "ssl" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await client.ConnectAsync(options.Host, options.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            var password = options.PasswordSecret is { Length: > 0 } name && secrets.TryGet(name, out var value)
                ? value
                : throw new InvalidOperationException($"The password secret of the email channel is not configured (OpsFlow:Secrets:{options.PasswordSecret}).");
            await client.AuthenticateAsync(options.UserName, password, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>
/// A JSON POST (OpsFlow's shape, or Slack's {"text"}), signed: X-OpsFlow-Timestamp is the Unix time in seconds and
/// X-OpsFlow-Signature is "sha256=" + hex HMAC-SHA256 of "timestamp.body" with the channel's secret, so a receiver can
/// refuse forged and replayed posts.
/// </summary>
internal sealed class WebhookChannel(WebhookChannelOptions options, ISecretSource secrets, IHttpClientFactory http, TimeProvider clock) : INoticeChannel
{
    public const string SignatureHeader = "X-OpsFlow-Signature";
    public const string TimestampHeader = "X-OpsFlow-Timestamp";

    public async Task SendAsync(NoticeDelivery delivery, CancellationToken cancellationToken)
    {
        var body = options.Format.Equals("slack", StringComparison.OrdinalIgnoreCase)
            ? JsonSerializer.Serialize(new { text = $"*{delivery.Subject}*\n{delivery.Text}" })
            : JsonSerializer.Serialize(new { key = delivery.Key, runId = delivery.RunId, level = delivery.Level.ToString().ToLowerInvariant(), subject = delivery.Subject, text = delivery.Text, at = delivery.CreatedAt });
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-OpsFlow-Notice", delivery.Key);
        if (options.SecretName is { Length: > 0 } name)
        {
            var secret = secrets.TryGet(name, out var value) ? value : throw new InvalidOperationException($"The webhook's signing secret is not configured (OpsFlow:Secrets:{name}).");
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, Signature(secret, timestamp, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var response = await http.CreateClient(NoticeChannels.HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{options.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    /// <summary>"sha256=" and the lower-case hex HMAC-SHA256 of "timestamp.body".</summary>
    public static string Signature(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}

/// <summary>A message in a Teams conversation, through the chat channel's announcements.</summary>
internal sealed class TeamsChannel(string conversation, IAnnouncements announcements) : INoticeChannel
{
    public Task SendAsync(NoticeDelivery delivery, CancellationToken cancellationToken) =>
        announcements.DeliverAsync(conversation, $"{Symbol(delivery.Level)} {delivery.Text}", cancellationToken);

    private static string Symbol(NoticeLevel level) => level switch
    {
        NoticeLevel.Critical => "‼",
        NoticeLevel.Error => "✗",
        NoticeLevel.Warning => "⚠",
        _ => "ℹ",
    };
}
