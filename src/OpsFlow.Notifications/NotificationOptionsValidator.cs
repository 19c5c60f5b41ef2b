using Microsoft.Extensions.Options;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

/// <summary>Refuses a route to a channel that is not configured, and a channel the host could never use, at start.</summary>
internal sealed class NotificationOptionsValidator(ISecretSource secrets) : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var problems = new List<string>();
        if (options.MaxAttempts < 1)
        {
            problems.Add($"{NotificationOptions.Section}:MaxAttempts must be 1 or more (it is {options.MaxAttempts}).");
        }

        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            var where = $"{NotificationOptions.Section}:Routes:{i}";
            if (route.Levels.Count == 0)
            {
                problems.Add($"{where}:Levels is empty; name the levels it routes (Info, Warning, Error, Critical).");
            }

            foreach (var channel in route.To)
            {
                if (Problem(channel.Trim(), options) is { } problem)
                {
                    problems.Add($"{where}:To names '{channel}': {problem}");
                }
            }
        }

        foreach (var channel in options.Reports.To)
        {
            if (Problem(channel.Trim(), options) is { } problem)
            {
                problems.Add($"{NotificationOptions.Section}:Reports:To names '{channel}': {problem}");
            }
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.Reports.TimeZone, out _))
        {
            problems.Add($"{NotificationOptions.Section}:Reports:TimeZone '{options.Reports.TimeZone}' is not a time zone this machine knows (e.g. Europe/Berlin, UTC).");
        }

        if (options.Reports.At < TimeSpan.Zero || options.Reports.At >= TimeSpan.FromDays(1))
        {
            problems.Add($"{NotificationOptions.Section}:Reports:At must be a time of day (e.g. 08:00), not {options.Reports.At}.");
        }

        foreach (var (key, email) in options.Email)
        {
            problems.AddRange(Email(key, email));
        }

        foreach (var (key, hook) in options.Webhooks)
        {
            problems.AddRange(Webhook(key, hook));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string? Problem(string channel, NotificationOptions options)
    {
        var (kind, target) = NoticeChannels.Split(channel);
        return kind switch
        {
            "email" when !options.Email.ContainsKey(target) => $"there is no {NotificationOptions.Section}:Email:{target}.",
            "webhook" when !options.Webhooks.ContainsKey(target) => $"there is no {NotificationOptions.Section}:Webhooks:{target}.",
            "teams" when target.Length == 0 => "say which conversation: teams:<conversation id or name>.",
            "email" or "webhook" or "teams" => null,
            _ => "a channel is email:<name>, webhook:<name> or teams:<conversation>.",
        };
    }

    private IEnumerable<string> Email(string key, EmailChannelOptions email)
    {
        var where = $"{NotificationOptions.Section}:Email:{key}";
        if (string.IsNullOrWhiteSpace(email.Host))
        {
            yield return $"{where}:Host is empty; name the SMTP server.";
        }

        if (string.IsNullOrWhiteSpace(email.From) || !email.From.Contains('@', StringComparison.Ordinal))
        {
            yield return $"{where}:From must be an address (it is '{email.From}').";
        }

        if (email.To.Count == 0 || email.To.Any(a => !a.Contains('@', StringComparison.Ordinal)))
        {
            yield return $"{where}:To must list one or more addresses.";
        }

        if (email.Security.ToLowerInvariant() is not ("auto" or "none" or "starttls" or "ssl"))
        {
            yield return $"{where}:Security is '{email.Security}'; use auto, none, starttls or ssl.";
        }

        if (email.PasswordSecret is { Length: > 0 } secret && !secrets.TryGet(secret, out _))
        {
            yield return $"{where}:PasswordSecret names '{secret}', which OpsFlow:Secrets does not have; set OpsFlow:Secrets:{secret}.";
        }
    }

    private IEnumerable<string> Webhook(string key, WebhookChannelOptions hook)
    {
        var where = $"{NotificationOptions.Section}:Webhooks:{key}";
        if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            yield return $"{where}:Url must be an absolute http(s) URL (it is '{hook.Url}').";
        }

        if (hook.Format.ToLowerInvariant() is not ("json" or "slack"))
        {
            yield return $"{where}:Format is '{hook.Format}'; use json or slack.";
        }

        if (hook.SecretName is { Length: > 0 } secret && !secrets.TryGet(secret, out _))
        {
            yield return $"{where}:SecretName names '{secret}', which OpsFlow:Secrets does not have; set OpsFlow:Secrets:{secret}.";
        }
    }
}
