using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Model;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Who calls the HTTP API. Until sign-in arrives (the dashboard issue), the API trusts the X-OpsFlow-User
/// header and listens on loopback only; a caller without it is "anonymous" with the default role.
/// </summary>
internal static class CallerIdentity
{
    public const string UserHeader = "X-OpsFlow-User";
    public const string NameHeader = "X-OpsFlow-User-Name";

    public static Actor Caller(this HttpContext context, ActorDirectory directory)
    {
        var id = context.Request.Headers[UserHeader].ToString();
        var name = context.Request.Headers[NameHeader].ToString();
        return directory.Resolve(string.IsNullOrWhiteSpace(id) ? "anonymous" : id.Trim(), name);
    }
}
