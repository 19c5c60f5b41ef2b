using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Workflows;

internal static class WorkflowSetup
{
    /// <summary>The in-code catalog with OpsFlow's built-in workflows.</summary>
    public static IServiceCollection AddOpsFlowBuiltInWorkflows(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var catalog = new InMemoryWorkflowCatalog();
            catalog.Add(SelfCheckWorkflow.Build(sp.GetRequiredService<IRunStore>(), "data"));
            return catalog;
        });
        return services;
    }
}
