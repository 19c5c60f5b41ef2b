using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Connector;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Tests.Connector;

/// <summary>
/// A <see cref="ConnectorClient"/> wired as the host wires it (typed client plus <see cref="ConnectorResilience"/>),
/// in front of the stub connector, on a watched fake clock, with a fixed token.
/// </summary>
internal sealed class ConnectorHarness
{
    public const string Token = "secret-token-value";

    public static readonly ConversationReference Conversation = new(
        "19:abc@thread.tacv2;messageid=17", "https://smba.example.net/amer/", "msteams", "28:bot", "OpsFlow", "tenant-1", "channel", DateTimeOffset.UnixEpoch);

    public StubConnectorHandler Stub { get; } = new();

    public WatchedClock Clock { get; } = new(new DateTimeOffset(2031, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public ConnectorOptions Options { get; } = new();

    public FixedTokens Tokens { get; } = new(Token);

    public ListLogger<ConnectorClient> Logger { get; } = new();

    public ConnectorClient Create()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ILogger<ConnectorClient>>(Logger);
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Options);
        services.AddSingleton<IBotTokenSource>(Tokens);
        services.AddSingleton(new OpsFlow.Teams.Inbound.ServiceUrlPolicy(new TeamsOptions { AppId = "00000000-0000-0000-0000-000000000001", AppPassword = "x", ServiceUrls = [Conversation.ServiceUrl] }));
        services.AddHttpClient<ConnectorClient>().AddConnectorResilience().ConfigurePrimaryHttpMessageHandler(() => Stub);
        return services.BuildServiceProvider().GetRequiredService<ConnectorClient>();
    }

    /// <summary>
    /// A wait between attempts, as opposed to the per-attempt timeout's timer (created with no due time and armed
    /// later, or created with the attempt timeout).
    /// </summary>
    public bool IsWait(TimeSpan due) => due != Options.AttemptTimeout && due != Timeout.InfiniteTimeSpan;

    public sealed class FixedTokens(string? token) : IBotTokenSource
    {
        public string? Value { get; set; } = token;

        public ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Value);
    }
}
