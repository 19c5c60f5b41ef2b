using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests.Audit;

/// <summary>
/// Dashboard sign-ins in the audit log. No identity provider answers here, so the test calls the OpenID Connect
/// events the host configured, as the handler does once Entra ID's answer is in (or fails).
/// </summary>
public sealed class SignInAuditTests(SignInFactory factory) : IClassFixture<SignInFactory>
{
    private static readonly AuthenticationScheme Scheme = new(OpenIdConnectDefaults.AuthenticationScheme, null, typeof(OpenIdConnectHandler));

    [Fact]
    public async Task ASignIn_IsRecordedAsDone_WithTheUsersNameObjectIdAndUpn_ViaTheDashboard()
    {
        var (options, http) = Handler("10.20.30.40");
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("oid", "6f1c0de4-0000-4000-8000-00000000ada0"), new Claim("preferred_username", "ada@contoso.com"), new Claim("name", "Ada Lovelace")],
            "oidc"));

        await options.Events.TicketReceived(new TicketReceivedContext(http, Scheme, options, new AuthenticationTicket(user, Scheme.Name)));

        var entry = Assert.Single(await Log().QueryAsync(new AuditQuery(Actor: "ada@contoso.com", Action: "sign-in")));
        Assert.Equal(AuditOutcome.Done, entry.Event.Outcome);
        Assert.Equal("Ada Lovelace", entry.Event.ActorName);
        Assert.Equal(["6f1c0de4-0000-4000-8000-00000000ada0", "ada@contoso.com"], entry.Event.ActorIds);
        Assert.Equal("dashboard", entry.Event.Via);
        Assert.Contains("10.20.30.40", entry.Event.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedSignIn_IsRecordedAsRefused_WithWhy()
    {
        var (options, http) = Handler("10.9.9.9");

        await options.Events.RemoteFailure(new RemoteFailureContext(http, Scheme, options, new AuthenticationFailureException("Correlation failed.")));

        var entries = await Log().QueryAsync(new AuditQuery(Action: "sign-in"));
        var entry = Assert.Single(entries, e => e.Event.Detail.Contains("10.9.9.9", StringComparison.Ordinal));
        Assert.Equal(AuditOutcome.Refused, entry.Event.Outcome);
        Assert.Equal("dashboard", entry.Event.Via);
        Assert.Contains("Correlation failed.", entry.Event.Detail, StringComparison.Ordinal);
    }

    private IAuditLog Log() => factory.Services.GetRequiredService<IAuditLog>();

    private (OpenIdConnectOptions Options, HttpContext Http) Handler(string remoteAddress)
    {
        var options = factory.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);
        var http = new DefaultHttpContext { RequestServices = factory.Services };
        http.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
        return (options, http);
    }
}
