using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;

namespace OpsFlow.Bot.Api;

internal static class ApiSetup
{
    public static IServiceCollection AddOpsFlowApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart()
            .Validate(o => o.MaxEventStreams >= 1, $"{ApiOptions.Section}:MaxEventStreams must be 1 or more (default 200).");
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value);
        services.AddProblemDetails();
        services.AddSingleton<SharedRunFeed>();
        services.AddSingleton(sp => new RunEventHub(
            sp.GetRequiredService<ApiOptions>(), sp.GetRequiredService<SharedRunFeed>(), sp.GetService<OpsFlow.Engine.Ports.IRunOwnership>()?.IsShared == true));
        services.AddSingleton<OpsFlow.Bot.Dashboard.RunGraphDefinitions>();
        services.AddSingleton<OpsFlow.Engine.Ports.IRunObserver>(sp => sp.GetRequiredService<RunEventHub>());
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return services;
    }

    /// <summary>
    /// Bad input is answered 4xx by the endpoints themselves (see <see cref="JsonBody"/>); anything unexpected
    /// answers a plain 500 problem without internals (the exception goes to the log, not to the caller).
    /// </summary>
    public static WebApplication UseOpsFlowApiErrors(this WebApplication app)
    {
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, title, detail) = error switch
            {
                BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
                // The operator's fix is in the message (which file, restore it); it names no secret.
                OpsFlow.Persistence.Archive.ArchiveDamagedException damaged => (StatusCodes.Status503ServiceUnavailable, "Archive unavailable", damaged.Message),
                _ => (StatusCodes.Status500InternalServerError, "Internal error", "Something went wrong on the server; it is logged. Try again, and report it if it persists."),
            };
            await Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
        }));
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapOpsFlowApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<ApiRequestRules>();
        api.MapWorkflowEndpoints();
        api.MapRunEndpoints();
        api.MapRunEventEndpoints();
        api.MapReportEndpoints();
        api.MapCommandEndpoints();
        api.MapEmergencyStopEndpoints();
        api.MapScheduleEndpoints();
        api.MapAuditEndpoints();
        api.MapNotificationEndpoints();
        api.MapNodeEndpoints();
        return app;
    }
}
