using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;

namespace OpsFlow.Teams.Auth;

/// <summary>
/// Tokens for calls to the Bot Connector: client credentials of our app id for scope api.botframework.com, from the
/// bot's own tenant (single-tenant) or botframework.com (multi-tenant). One MSAL application for the process: its
/// in-memory cache hands out the same token until shortly before expiry, so each connector call costs no login.
/// </summary>
public sealed class BotTokenSource : IBotTokenSource
{
    public const string Scope = "https://api.botframework.com/.default";
    public const string MultiTenantAuthorityTenant = "botframework.com";

    /// <summary>The named HttpClient MSAL talks to the login service with.</summary>
    public const string HttpClientName = "OpsFlow.Teams.BotToken";

    private static readonly string[] Scopes = [Scope];

    private readonly IConfidentialClientApplication _app;
    private readonly ILogger<BotTokenSource> _logger;
    private readonly string _appId;

    public BotTokenSource(TeamsOptions options, IHttpClientFactory httpClients, ILogger<BotTokenSource> logger)
    {
        ValidateOptions(options);
        _appId = options.AppId!.Trim();
        _logger = logger;
        Authority = AuthorityFor(options);
        _app = ConfidentialClientApplicationBuilder.Create(_appId)
            .WithClientSecret(options.AppPassword)
            .WithAuthority(Authority)
            .WithHttpClientFactory(new MsalHttpClients(httpClients))
            .Build();
    }

    public string Authority { get; }

    public static string AuthorityFor(TeamsOptions options) =>
        $"https://login.microsoftonline.com/{(string.IsNullOrWhiteSpace(options.TenantId) ? MultiTenantAuthorityTenant : options.TenantId.Trim())}";

    /// <summary>What to fix when an app id comes without its secret; the options validator reports it at start.</summary>
    internal const string MissingPassword =
        "OpsFlow:Teams:AppId is set but OpsFlow:Teams:AppPassword is empty: the bot could not get tokens to send to Teams. " +
        "Give it the app's client secret (from a secret store or the environment variable OpsFlow__Teams__AppPassword), " +
        "or clear AppId to run locally without authentication.";

    /// <summary>Throws with what to fix when the options cannot give tokens.</summary>
    public static void ValidateOptions(TeamsOptions options)
    {
        if (!options.Authenticates)
        {
            throw new InvalidOperationException("OpsFlow:Teams:AppId is empty: there is no app to get Bot Framework tokens for.");
        }

        if (string.IsNullOrWhiteSpace(options.AppPassword))
        {
            throw new InvalidOperationException(MissingPassword);
        }
    }

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await _app.AcquireTokenForClient(Scopes).ExecuteAsync(cancellationToken);
            return result.AccessToken;
        }
        catch (MsalException ex)
        {
            AuthLog.TokenFailed(_logger, ex, _appId, Authority, ex.ErrorCode);
            throw new InvalidOperationException(
                $"Could not get a Bot Framework token for app {_appId} from {Authority} ({ex.ErrorCode}); check AppId, AppPassword and TenantId.", ex);
        }
    }

    /// <summary>MSAL's HTTP through IHttpClientFactory, so handlers are pooled and tests can stub the login service.</summary>
    private sealed class MsalHttpClients(IHttpClientFactory factory) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => factory.CreateClient(HttpClientName);
    }
}
