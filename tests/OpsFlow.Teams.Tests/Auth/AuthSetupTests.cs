using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Tests.Connector;

namespace OpsFlow.Teams.Tests.Auth;

public sealed class AuthSetupTests
{
    private static ServiceProvider Build(params (string Key, string? Value)[] settings) => Register(settings).BuildServiceProvider();

    private static ServiceCollection Register(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpsFlowTeams(configuration);
        return services;
    }

    [Fact]
    public void WithoutAppId_RequestsAreNotAuthenticated_AndNoTokensAreSent()
    {
        using var provider = Build();

        Assert.IsType<DevelopmentAuthenticator>(provider.GetRequiredService<IInboundAuthenticator>());
        Assert.IsType<DevelopmentAuthenticator>(provider.GetRequiredService<IBotTokenSource>());
        Assert.IsType<ConnectorClient>(provider.GetRequiredService<IConnectorClient>());
        Assert.Contains(Register(), d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AuthStartupNotice));
    }

    [Fact]
    public void WithAppIdAndPassword_TheBotFrameworkChecksAndTokensAreUsed()
    {
        using var provider = Build(("OpsFlow:Teams:AppId", FakeBotFramework.AppId), ("OpsFlow:Teams:AppPassword", "s3cret"), ("OpsFlow:Teams:Connector:MaxAttempts", "2"));

        Assert.IsType<BotFrameworkAuthenticator>(provider.GetRequiredService<IInboundAuthenticator>());
        Assert.IsType<BotTokenSource>(provider.GetRequiredService<IBotTokenSource>());
        Assert.Equal(2, provider.GetRequiredService<ConnectorOptions>().MaxAttempts);
    }

    [Fact]
    public void WithAppIdButNoPassword_RegistrationFailsWithWhatToFix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("OpsFlow:Teams:AppId", FakeBotFramework.AppId)));

        Assert.Contains("OpsFlow:Teams:AppPassword is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupNotice_WithoutAppId_WarnsLoudly()
    {
        var logger = new ListLogger<AuthStartupNotice>();

        await new AuthStartupNotice(new TeamsOptions(), logger).StartAsync(CancellationToken.None);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("accepts requests WITHOUT authentication", entry.Message, StringComparison.Ordinal);
        Assert.Contains("never expose this host", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupNotice_WithAppId_SaysWhichIssuerAndMetadataAreUsed()
    {
        var logger = new ListLogger<AuthStartupNotice>();
        var options = new TeamsOptions { AppId = FakeBotFramework.AppId, AppPassword = "never-logged" };

        await new AuthStartupNotice(options, logger).StartAsync(CancellationToken.None);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains(options.OpenIdMetadataUrl, entry.Message, StringComparison.Ordinal);
        Assert.Contains(options.Issuer, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("never-logged", entry.Message, StringComparison.Ordinal);
    }
}
