using Microsoft.Extensions.FileProviders;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// The dashboard: static pages (copied by Dashboard.targets to the output folder "dashboard") served at /,
/// its client-side routes, and the two endpoints only it needs (/api/me and a run's step graph).
/// </summary>
internal static class DashboardSetup
{
    /// <summary>Pages the browser router draws; each answers index.html.</summary>
    private static readonly string[] Pages = ["/", "/runs", "/workflows", "/reports", "/audit", "/nodes"];

    // The pages load only their own scripts and styles; chart.js sets inline styles on its canvas.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static string Root => Path.Combine(AppContext.BaseDirectory, "dashboard");

    public static WebApplication UseOpsFlowDashboardFiles(this WebApplication app)
    {
        if (!Directory.Exists(Root))
        {
            throw new InvalidOperationException($"The dashboard's files are missing from {Root}; build the host project (it copies them).");
        }

        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Root),
            // Revalidate each time (ETag): a new build must not be hidden behind a cached module.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    public static WebApplication MapOpsFlowDashboard(this WebApplication app)
    {
        foreach (var page in Pages)
        {
            app.MapGet(page, (HttpContext http) => IndexAsync(http, StatusCodes.Status200OK));
        }

        // An unknown run answers the page with 404, so the browser and a crawler both see it; the page says so too.
        app.MapGet("/runs/{id}", async (string id, HttpContext http, IRunStore store, CancellationToken cancellationToken) =>
        {
            var known = await store.GetRunAsync(id, cancellationToken) is not null;
            await IndexAsync(http, known ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
        });

        var api = app.MapGroup("/api");
        api.MapGet("/me", (HttpContext http, CallerResolver callers) =>
        {
            var me = callers.Resolve(http);
            return Results.Ok(new
            {
                me.Id,
                me.DisplayName,
                Roles = me.Roles.Order(StringComparer.Ordinal),
                callers.DevelopmentMode,
                Users = callers.DevelopmentUsers(),
            });
        });
        // Who am I and the status vocabulary are for everyone (the page needs them to say what it cannot show).
        api.MapRunGraph().AddEndpointFilter<OpsFlow.Bot.Api.ApiRequestRules>();
        api.MapVocabularyScript();
        return app;
    }

    private static async Task IndexAsync(HttpContext http, int status)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.SendFileAsync(Path.Combine(Root, "index.html"), http.RequestAborted);
    }
}
