using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.HostFiltering;
using OpsFlow.Bot.Hosting;
using OpsFlow.Bot.Telemetry;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Inbound;

namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// Identity for the dashboard and the API: Entra ID sign-in (OpenID Connect, cookie session) when
/// "OpsFlow:Auth" names an authority and a client id; otherwise development mode on loopback only.
/// </summary>
internal static class SignInSetup
{
    /// <summary>The configuration section of <see cref="SignInOptions"/>.</summary>
    public const string Section = "OpsFlow:Auth";

    /// <summary>The host names development mode answers to, unless AllowedHosts names others.</summary>
    public static readonly string[] DevelopmentHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static WebApplicationBuilder AddOpsFlowSignIn(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(Section).Get<SignInOptions>() ?? new SignInOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new CallerResolver(sp.GetRequiredService<ActorDirectory>(), options));
        if (!options.Configured)
        {
            // Development mode: LoopbackGuard keeps it on this machine, and only this machine's names may address it,
            // so a web page whose name resolves to 127.0.0.1 (DNS rebinding) cannot reach the API with a made-up user.
            var allowed = builder.Configuration["AllowedHosts"];
            if (string.IsNullOrWhiteSpace(allowed) || allowed.Trim() == "*")
            {
                builder.Services.Configure<HostFilteringOptions>(hosts => hosts.AllowedHosts = DevelopmentHosts);
            }

            return builder;
        }

        builder.Services
            .AddAuthentication(auth =>
            {
                auth.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                auth.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = "opsflow";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = true;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            })
            .AddOpenIdConnect(oidc =>
            {
                oidc.Authority = options.Authority;
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = options.ClientSecret;
                oidc.CallbackPath = options.CallbackPath;
                oidc.ResponseType = string.IsNullOrEmpty(options.ClientSecret) ? "id_token" : "code";
                oidc.UsePkce = true;
                // Keep Entra ID's claim names ("oid", "preferred_username") so CallerResolver reads them as Teams does.
                oidc.MapInboundClaims = false;
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.Scope.Add("profile");
                oidc.Scope.Add("email");
                // Each sign-in, and each that fails, goes to the audit log.
                oidc.Events.OnTicketReceived = SignInAudit.SignedInAsync;
                oidc.Events.OnRemoteFailure = SignInAudit.FailedAsync;
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>With sign-in on, every page and API call needs a session: pages sign in, the API answers 401.</summary>
    public static WebApplication UseOpsFlowSignIn(this WebApplication app)
    {
        if (app.Services.GetRequiredService<CallerResolver>().DevelopmentMode)
        {
            return app;
        }

        var telemetry = app.Services.GetRequiredService<TelemetryOptions>();
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            // The bot's endpoint carries the Bot Framework's own token, checked by the Teams channel; probes and
            // scrapes carry none (the scrape endpoint guards itself: loopback only by default).
            if (context.User.Identity?.IsAuthenticated == true
                || context.Request.Path.StartsWithSegments(MessagesEndpoint.Route, StringComparison.OrdinalIgnoreCase)
                || TelemetrySetup.IsProbe(context, telemetry))
            {
                await next(context);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                await Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                    detail: "Sign in first: open the dashboard in a browser, or send the session cookie it sets.").ExecuteAsync(context);
                return;
            }

            await context.ChallengeAsync(new AuthenticationProperties { RedirectUri = context.Request.Path + context.Request.QueryString });
        });
        app.UseAuthorization();
        app.MapGet("/signout", async context =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignOutAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/" });
        });
        return app;
    }
}
