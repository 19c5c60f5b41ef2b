using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// The audit log (docs/security.md, "The audit log"), for admins only: entries filtered by time, actor and action as
/// JSON, or the same as a download (JSON lines, CSV); and a check of the whole chain.
/// </summary>
internal static class AuditEndpoints
{
    public static void MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").AddEndpointFilter<AdminOnly>();
        audit.MapGet("", ListAsync);
        audit.MapGet("/verify", async (IAuditLog log, CancellationToken cancellationToken) => Results.Ok(await log.VerifyAsync(cancellationToken)));
    }

    private static async Task<IResult> ListAsync(
        [AsParameters] AuditParameters parameters, IAuditLog log, TimeProvider clock, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (request, problems) = AuditRequest.Parse(parameters);
        if (request is null)
        {
            return RunEndpoints.Problem(StatusCodes.Status400BadRequest, $"Bad audit query: {string.Join("; ", problems)}.");
        }

        if (request.Format == AuditFormat.Json)
        {
            var entries = await log.QueryAsync(request.Query, cancellationToken);
            return Results.Ok(entries.Select(AuditEntryView.Of));
        }

        return AuditExport.Download(log, request, clock.GetUtcNow(), json.Value.SerializerOptions, cancellationToken);
    }

    /// <summary>Before any audit endpoint: the caller must be an admin; everyone else gets a 403 that says so.</summary>
    private sealed class AdminOnly(ActorDirectory directory) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var caller = context.HttpContext.Caller(directory);
            if (!caller.HasRole(Roles.Admin))
            {
                return RunEndpoints.Problem(StatusCodes.Status403Forbidden,
                    $"The audit log is for admins, and {caller.Label} is not one. Ask an admin to name you in OpsFlow:Access:Roles:admin.");
            }

            return await next(context);
        }
    }
}
