using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace OpsFlow.Teams.Auth;

/// <summary>
/// The Bot Framework's OpenID metadata and signing keys (JWKS, with each key's endorsements), cached and refreshed.
/// Not the library's ConfigurationManager: since IdentityModel 8 it refreshes in the background after the first
/// load, so a token signed with a freshly rotated key would be refused although one fetch would find its key.
/// Here <see cref="RequestRefresh"/> makes the next read fetch (at most once per <see cref="RefreshInterval"/>,
/// so tokens with made-up key ids cannot make us hammer the metadata host), and time comes from TimeProvider.
/// </summary>
public sealed class BotFrameworkMetadata : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    /// <summary>The named HttpClient the metadata is fetched with (tests replace its primary handler).</summary>
    public const string HttpClientName = "OpsFlow.Teams.OpenIdMetadata";

    private readonly string _url;
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly ILogger<BotFrameworkMetadata> _logger;
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private readonly Lock _sync = new();
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _loadedAt;
    private DateTimeOffset _fetchDue;
    private DateTimeOffset? _lastRefreshRequest;
    private Exception? _lastFailure;

    public BotFrameworkMetadata(string metadataUrl, IHttpClientFactory httpClients, TimeProvider time, ILogger<BotFrameworkMetadata> logger)
    {
        if (!Uri.TryCreate(metadataUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new ArgumentException(
                $"OpsFlow:Teams:OpenIdMetadataUrl must be an absolute https URL (plain http only on loopback, for tests); got '{metadataUrl}'.",
                nameof(metadataUrl));
        }

        _url = metadataUrl;
        _httpClients = httpClients;
        _time = time;
        _logger = logger;
    }

    /// <summary>How long loaded keys are used before they are fetched again (the Bot Framework rotates keys slowly).</summary>
    public TimeSpan AutomaticRefreshInterval { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The least time between two fetches asked for by <see cref="RequestRefresh"/>, and the wait after a failed fetch.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>While no keys were ever loaded, how soon a failed load is tried again (requests are refused meanwhile).</summary>
    public TimeSpan FirstLoadRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    public string MetadataUrl => _url;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (TryGetFresh(out var fresh))
        {
            return fresh;
        }

        await _fetch.WaitAsync(cancel);
        try
        {
            // Another caller may have fetched while this one waited.
            if (TryGetFresh(out fresh))
            {
                return fresh;
            }

            return await FetchAsync(cancel);
        }
        finally
        {
            _fetch.Release();
        }
    }

    public void RequestRefresh()
    {
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            if (_lastRefreshRequest is { } last && now - last < RefreshInterval)
            {
                return;
            }

            _lastRefreshRequest = now;
            _fetchDue = now;
        }
    }

    public void Dispose() => _fetch.Dispose();

    private bool TryGetFresh(out OpenIdConnectConfiguration configuration)
    {
        lock (_sync)
        {
            configuration = _current!;
            if (_time.GetUtcNow() >= _fetchDue)
            {
                return false;
            }

            if (_current is null && _lastFailure is not null)
            {
                // The first load failed a moment ago: say so again rather than fetch on every request.
                throw Unavailable(_lastFailure);
            }

            return _current is not null;
        }
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync(CancellationToken cancel)
    {
        var now = _time.GetUtcNow();
        try
        {
            using var http = _httpClients.CreateClient(HttpClientName);
            var documents = new HttpDocumentRetriever(http) { RequireHttps = !new Uri(_url).IsLoopback };
            var loaded = await OpenIdConnectConfigurationRetriever.GetAsync(_url, documents, cancel);
            bool first;
            lock (_sync)
            {
                first = _current is null;
                _current = loaded;
                _loadedAt = now;
                _lastFailure = null;
                _fetchDue = now + AutomaticRefreshInterval;
            }

            AuthLog.MetadataLoaded(_logger, loaded.JsonWebKeySet?.Keys.Count ?? 0, _url, first ? "first load" : "refresh");
            return loaded;
        }
        catch (Exception ex) when (!cancel.IsCancellationRequested)
        {
            lock (_sync)
            {
                _fetchDue = now + (_current is null ? FirstLoadRetryInterval : RefreshInterval);
                if (_current is not null)
                {
                    // Stale keys beat no keys: the old ones stay valid until the Bot Framework retires them.
                    AuthLog.MetadataRefreshFailed(_logger, ex, _url, _loadedAt);
                    return _current;
                }

                _lastFailure = ex;
            }

            AuthLog.MetadataUnavailable(_logger, ex, _url);
            throw Unavailable(ex);
        }
    }

    private InvalidOperationException Unavailable(Exception cause) =>
        new($"the OpenID metadata could not be loaded from {_url} ({cause.GetBaseException().Message})", cause);
}
