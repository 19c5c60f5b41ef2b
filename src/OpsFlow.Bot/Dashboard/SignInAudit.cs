using Microsoft.AspNetCore.Authentication;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// Writes dashboard sign-ins to the audit log, from the OpenID Connect handler's events: Entra ID's answer accepted
/// (before the session cookie is set) or refused (a failed or forged callback, where nobody is known yet). Like the
/// engine's entries, a failed append is logged and the sign-in goes on: the log is a record, not a gate.
/// </summary>
internal static class SignInAudit
{
    public const string Action = "sign-in";

    /// <summary>A provider's error can be long; the entry keeps what says why.</summary>
    private const int MaxReason = 500;

    public static Task SignedInAsync(TicketReceivedContext context)
    {
        if (context.Principal is not { } principal)
        {
            return Task.CompletedTask;
        }

        var actor = context.HttpContext.RequestServices.GetRequiredService<CallerResolver>().SignedIn(principal);
        return AppendAsync(context.HttpContext, AuditOutcome.Done, actor.DisplayName, actor.Ids, $"signed in to the dashboard from {From(context.HttpContext)}");
    }

    public static Task FailedAsync(RemoteFailureContext context)
    {
        var reason = context.Failure?.Message ?? "no reason given";
        if (reason.Length > MaxReason)
        {
            reason = reason[..MaxReason] + "…";
        }

        return AppendAsync(context.HttpContext, AuditOutcome.Refused, "unknown", [], $"sign-in from {From(context.HttpContext)} failed: {reason}");
    }

    private static async Task AppendAsync(HttpContext http, AuditOutcome outcome, string name, IReadOnlyList<string> ids, string detail)
    {
        var services = http.RequestServices;
        var at = services.GetRequiredService<TimeProvider>().GetUtcNow();
        try
        {
            await services.GetRequiredService<IAuditLog>().AppendAsync(new AuditEvent(at, Action, outcome, name, ids, "dashboard", "", detail), http.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DashboardLog.SignInNotAudited(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInAudit).FullName!), ex, name);
        }
    }

    private static string From(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "an unknown address";
}
