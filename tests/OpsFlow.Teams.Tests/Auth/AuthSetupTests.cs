using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    public void WithAppIdButNoPassword_TheOptionsFailWithWhatToFix()
    {
        using var provider = Build(("OpsFlow:Teams:AppId", FakeBotFramework.AppId));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IInboundAuthenticator>());

        Assert.Contains("OpsFlow:Teams:AppPassword is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OpsFlow:Teams:AppId", FakeBotFramework.AppId, "OpsFlow:Teams:AppPassword is empty")]
    [InlineData("OpsFlow:Teams:InvokeTimeout", "00:00:00", "OpsFlow:Teams:InvokeTimeout is 00:00:00; use a positive duration")]
    [InlineData("OpsFlow:Teams:MaxActivityBytes", "10", "OpsFlow:Teams:MaxActivityBytes is 10; use at least 1024")]
    [InlineData("OpsFlow:Teams:Connector:MaxAttempts", "0", "OpsFlow:Teams:Connector:MaxAttempts is 0; use 1 or more")]
    [InlineData("OpsFlow:Teams:Connector:MaxDelay", "00:00:00.100", "OpsFlow:Teams:Connector:MaxDelay is 00:00:00.1000000, below BaseDelay")]
    public void ABadTeamsSetting_FailsTheStartupValidation_NamingTheSettingAndWhatToDo(string key, string value, string expected)
    {
        using var provider = Build((key, value));

        // What the host runs first when it starts (ValidateOnStart): before any activity or hosted service.
        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failures = error is AggregateException all ? all.InnerExceptions.ToArray() : [error];
        Assert.All(failures, f => Assert.IsType<OptionsValidationException>(f));
        Assert.Contains(failures, f => f.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultTeamsSettings_PassTheStartupValidation()
    {
        using var provider = Build();

        provider.GetRequiredService<IStartupValidator>().Validate();
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

        var entry = logger.Entries[0];
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains(options.OpenIdMetadataUrl, entry.Message, StringComparison.Ordinal);
        Assert.Contains(options.Issuer, entry.Message, StringComparison.Ordinal);
        Assert.All(logger.Entries, e => Assert.DoesNotContain("never-logged", e.Message, StringComparison.Ordinal));
        var anyTenant = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("any tenant", anyTenant.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupNotice_WithTenants_SaysWhichAreServed_AndDoesNotWarn()
    {
        var logger = new ListLogger<AuthStartupNotice>();
        var options = new TeamsOptions { AppId = FakeBotFramework.AppId, AppPassword = "x", TenantId = "tenant-ops" };

        await new AuthStartupNotice(options, logger).StartAsync(CancellationToken.None);

        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Message.Contains("channels msteams of tenants tenant-ops", StringComparison.Ordinal));
    }
}
