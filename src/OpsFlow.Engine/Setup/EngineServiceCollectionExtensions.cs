using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Setup;

public static class EngineServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="EngineOptions"/>.</summary>
    public const string Section = "OpsFlow:Engine";

    /// <summary>
    /// The engine with <see cref="EngineOptions"/> from the <see cref="Section"/> section of <paramref name="configuration"/>.
    /// </summary>
    /// <inheritdoc cref="AddOpsFlowEngine(IServiceCollection, Action{EngineOptions}?)" path="/remarks"/>
    public static IServiceCollection AddOpsFlowEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EngineOptions>().Bind(configuration.GetSection(Section));
        return services.AddOpsFlowEngine();
    }

    /// <summary>The engine, its options (validated at start) and its in-process defaults.</summary>
    /// <remarks>
    /// The defaults are the system clock and in-process timers (<see cref="IWorkflowTimers"/>). They are registered only
    /// if nothing else is, and an adapter that owns a port (the Quartz scheduler) replaces them, so the order of the
    /// AddOpsFlow… calls does not matter. The engine needs a run store and a workflow catalog from elsewhere. Nothing
    /// here starts or resumes runs; calling this twice registers nothing twice.
    /// </remarks>
    public static IServiceCollection AddOpsFlowEngine(this IServiceCollection services, Action<EngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EngineOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>());
        // The engine's parts take the options as a plain object.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<EngineOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InProcessTimers(sp.GetRequiredService<TimeProvider>(), () => sp.GetRequiredService<WorkflowEngine>()));
        services.TryAddSingleton<IWorkflowTimers>(sp => sp.GetRequiredService<InProcessTimers>());
        services.TryAddSingleton<IWorkflowTimerHandler>(sp => sp.GetRequiredService<WorkflowEngine>());
        services.TryAddSingleton<EngineTelemetry>();
        // A store that keeps the audit log durably (persistence) replaces this.
        services.TryAddSingleton<IAuditLog, InMemoryAuditLog>();
        // A durable store (persistence) replaces this, in whichever order they came.
        services.TryAddSingleton<IEmergencyStopStore, InMemoryEmergencyStopStore>();
        services.TryAddSingleton<EmergencyStop>();
        services.TryAddSingleton<EmergencyStopCommands>();
        services.TryAddSingleton<WorkflowEngine>();
        services.TryAddSingleton<OpsFlow.Engine.Reports.FailureRecurrences>();
        return services;
    }
}
