using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpsFlow.Bot.Hosting;
using Xunit.Abstractions;

namespace OpsFlow.Bot.Tests.Security;

/// <summary>
/// docs/security.md, "No unauthenticated host on a network": an entry point that takes callers on their word (no
/// Teams app id, no dashboard sign-in) keeps the whole host on loopback, whichever way its addresses are configured.
/// </summary>
public sealed class LoopbackGuardTests(ITestOutputHelper output)
{
    private static readonly (string Key, string Value)[] TeamsApp =
        [("OpsFlow:Teams:AppId", "00000000-0000-0000-0000-000000000001"), ("OpsFlow:Teams:AppPassword", "s3cret")];

    private static readonly (string Key, string Value)[] SignIn =
        [("OpsFlow:Auth:Authority", "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"), ("OpsFlow:Auth:ClientId", "11111111-1111-1111-1111-111111111111")];

    /// <summary>Every way an ASP.NET Core host is told where to listen, each reaching beyond this machine.</summary>
    public static TheoryData<string, string> Exposed => new()
    {
        { "urls", "http://0.0.0.0:5080" },
        { "urls", "http://*:5080" },
        { "urls", "http://+:80;http://127.0.0.1:5080" },
        { "urls", "http://10.1.2.3:5080" },
        { "urls", "http://opsflow.contoso.com:5080" },
        { "http_ports", "8080" },
        { "https_ports", "8443" },
        { "Kestrel:Endpoints:Public:Url", "https://0.0.0.0:443" },
    };

    public static TheoryData<string, string> Loopback => new()
    {
        { "urls", "http://127.0.0.1:5080" },
        { "urls", "http://localhost:5080;http://[::1]:5080" },
        { "Kestrel:Endpoints:Local:Url", "http://127.0.0.1:5080" },
    };

    [Theory]
    [MemberData(nameof(Exposed))]
    public void WithoutATeamsAppId_AHostOnTheNetworkIsRefused_EvenWithSignIn(string key, string value)
    {
        var error = Assert.Throws<StartupRefusedException>(() => LoopbackGuard.ThrowIfExposed(Configuration([(key, value), .. SignIn])));

        Assert.Contains("OpsFlow:Teams:AppId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("OpsFlow:Auth:Authority", error.Message, StringComparison.Ordinal);
        Assert.Contains("Urls = http://127.0.0.1:5080", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Exposed))]
    public void WithoutSignIn_AHostOnTheNetworkIsRefused_EvenWithATeamsApp(string key, string value)
    {
        var error = Assert.Throws<StartupRefusedException>(() => LoopbackGuard.ThrowIfExposed(Configuration([(key, value), .. TeamsApp])));

        Assert.Contains("OpsFlow:Auth:Authority", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("OpsFlow:Teams:AppId", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Exposed))]
    public void WithATeamsAppAndSignIn_AHostMayListenOnTheNetwork(string key, string value) =>
        LoopbackGuard.ThrowIfExposed(Configuration([(key, value), .. TeamsApp, .. SignIn]));

    [Theory]
    [MemberData(nameof(Loopback))]
    public void WithNothingConfigured_AHostOnLoopbackStarts(string key, string value) =>
        LoopbackGuard.ThrowIfExposed(Configuration([(key, value)]));

    [Fact]
    public void AnAppIdWithoutItsPassword_IsLeftToTheOptionsValidator()
    {
        // Not the guard's call to judge the password; the options validator refuses it. Both keep it off the network.
        var open = LoopbackGuard.Unauthenticated(Configuration([("OpsFlow:Teams:AppId", "abc"), .. SignIn]));

        Assert.Empty(open);
    }

    [Fact]
    [Trait(Categories.Name, Categories.Slow)]
    public async Task TheRealHost_BoundByTheContainerPortVariable_RefusesToStart_WithExitCode78AndWhatToChange()
    {
        var lines = new List<string>();
        // What the official container images set: ASPNETCORE_HTTP_PORTS binds every interface.
        using var host = HostProcess.Start(
            "refused",
            new Dictionary<string, string> { ["Urls"] = "", [SignIn[0].Key] = SignIn[0].Value, [SignIn[1].Key] = SignIn[1].Value },
            output: line => { lock (lines) { lines.Add(line); } output.WriteLine(line); },
            environment: new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = HostProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var exit = await host.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == StartupFailure.ConfigurationExitCode, $"exit code {exit}, expected 78 (EX_CONFIG)");
        string all;
        lock (lines)
        {
            all = string.Join('\n', lines);
        }

        Assert.Contains("stderr: OpsFlow refuses to start: it is configured to listen on *:", all, StringComparison.Ordinal);
        Assert.Contains("OpsFlow:Teams:AppId", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", all, StringComparison.Ordinal);
    }

    [Fact]
    public void ASettingThatFailsValidation_IsReportedAsARefusal_NotACrash()
    {
        var failure = new OptionsValidationException("x", typeof(object), ["OpsFlow:Teams:InvokeTimeout is 00:00:00; use a positive duration such as 00:00:08."]);

        var message = StartupFailure.Refusal(new AggregateException(failure));

        Assert.NotNull(message);
        Assert.Contains("  - OpsFlow:Teams:InvokeTimeout is 00:00:00", message, StringComparison.Ordinal);
        Assert.Null(StartupFailure.Refusal(new InvalidOperationException("a bug")));
    }

    private static IConfiguration Configuration((string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
