using System.Security.Claims;
using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Model;

namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// Who is calling: the signed-in Entra ID user (object id and UPN, the same identities Teams gives us), or in
/// development mode the X-OpsFlow-User header. One place, so the API, the dashboard and /api/me agree.
/// </summary>
public sealed class CallerResolver(ActorDirectory directory, SignInOptions signIn)
{
    public const string UserHeader = "X-OpsFlow-User";
    public const string NameHeader = "X-OpsFlow-User-Name";

    /// <summary>True when no identity provider is configured: the header is trusted (loopback only).</summary>
    public bool DevelopmentMode => !signIn.Configured;

    /// <summary>
    /// The dashboard's pages name themselves in this header, so the audit log can tell a click on the dashboard from a
    /// script calling the API. It labels the entry point only: who the caller is comes from the sign-in as always.
    /// </summary>
    public const string ClientHeader = "X-OpsFlow-Client";

    public Actor Resolve(HttpContext context)
    {
        var via = string.Equals(context.Request.Headers[ClientHeader].ToString(), "dashboard", StringComparison.OrdinalIgnoreCase) ? "dashboard" : "api";
        return Identify(context) with { Via = via };
    }

    private Actor Identify(HttpContext context)
    {
        if (!DevelopmentMode)
        {
            return context.User.Identity?.IsAuthenticated == true ? SignedIn(context.User) : directory.Resolve("anonymous");
        }

        var header = context.Request.Headers[UserHeader].ToString();
        var name = context.Request.Headers[NameHeader].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return directory.Resolve("anonymous", name);
        }

        // Development mode takes the header's word for whoever it names (it listens on loopback only), so the user
        // picker offers everyone the roles name: a UPN or an object id is that identity too.
        var who = header.Trim();
        return directory.Resolve(who, name, IdentityNames.IsUpn(who) ? who : null, IdentityNames.IsObjectId(who) ? who : null);
    }

    /// <summary>The person an Entra ID sign-in names, with the roles their ids are given.</summary>
    public Actor SignedIn(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        // Claims are read unmapped (MapInboundClaims = false): "oid" is the object id Teams reports as aadObjectId.
        var id = user.FindFirstValue("oid") ?? user.FindFirstValue("sub") ?? "anonymous";
        var upn = user.FindFirstValue("preferred_username") ?? user.FindFirstValue("upn");
        return directory.Resolve(id, user.FindFirstValue("name") ?? upn, upn, user.FindFirstValue("oid"));
    }

    /// <summary>The users development mode offers in its picker: everyone the role configuration names.</summary>
    public IReadOnlyList<string> DevelopmentUsers() => DevelopmentMode ? directory.NamedUsers() : [];
}
