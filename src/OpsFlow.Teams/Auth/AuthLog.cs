using Microsoft.Extensions.Logging;

namespace OpsFlow.Teams.Auth;

/// <summary>Log events of inbound authentication and outbound tokens (EventIds 4100-4129). Never a token or a secret.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "OpsFlow:Teams:AppId is empty: /api/messages accepts requests WITHOUT authentication and sends without tokens. Local development only (the Agents Playground); never expose this host.")]
    public static partial void RunningWithoutAuthentication(ILogger logger);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "Bot Framework authentication is on for app {AppId}: tokens must come from issuer {Issuer}, keys from {MetadataUrl}")]
    public static partial void AuthenticationOn(ILogger logger, string appId, string issuer, string metadataUrl);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Loaded {KeyCount} signing keys from {MetadataUrl} ({Reason})")]
    public static partial void MetadataLoaded(ILogger logger, int keyCount, string metadataUrl, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Could not refresh the OpenID metadata from {MetadataUrl}; keeping the keys loaded at {LoadedAt}")]
    public static partial void MetadataRefreshFailed(ILogger logger, Exception exception, string metadataUrl, DateTimeOffset loadedAt);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "Could not load the OpenID metadata from {MetadataUrl}: inbound requests are refused until it loads")]
    public static partial void MetadataUnavailable(ILogger logger, Exception exception, string metadataUrl);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "A token names signing key {KeyId} that the cached metadata does not have; refreshing the keys")]
    public static partial void UnknownKeyRefresh(ILogger logger, string keyId);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Error, Message = "Could not get a Bot Framework token for app {AppId} from {Authority} ({ErrorCode})")]
    public static partial void TokenFailed(ILogger logger, Exception exception, string appId, string authority, string errorCode);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning,
        Message = "OpsFlow serves channels {Channels} of any tenant: a multi-tenant app can be installed by any organisation. Set OpsFlow:Teams:Tenants (or TenantId) to serve yours only")]
    public static partial void AnyTenant(ILogger logger, string channels);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "OpsFlow serves channels {Channels} of tenants {Tenants}")]
    public static partial void Serving(ILogger logger, string channels, string tenants);
}
