using OpsFlow.Bot.Dashboard;
using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Model;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Who calls the HTTP API: the signed-in user when Entra ID is configured, otherwise (development mode, loopback
/// only) the X-OpsFlow-User header; a caller without either is "anonymous" with the default role.
/// </summary>
internal static class CallerIdentity
{
    public const string UserHeader = CallerResolver.UserHeader;

    public static Actor Caller(this HttpContext context, ActorDirectory directory) =>
        context.RequestServices.GetService<CallerResolver>()?.Resolve(context)
        ?? directory.Resolve(context.Request.Headers[UserHeader].ToString() is { Length: > 0 } id ? id.Trim() : "anonymous") with { Via = "api" };
}
