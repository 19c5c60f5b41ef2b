using OpsFlow.Bot.Hosting;
using OpsFlow.Scripting;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// What a configuration-only verb works with: the console and the configuration the server would read
/// (appsettings.json, environment, <c>--Section:Key=value</c> overrides); no services.
/// </summary>
internal sealed record ConfigurationVerbContext(IAnsiConsole Console, IReadOnlyList<string> ConfigurationArgs, CancellationToken CancellationToken)
{
    /// <summary>The same sources, in the same order, as <see cref="CliHost"/> and the web host.</summary>
    public IConfiguration LoadConfiguration() =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = ConfigurationArgs.ToArray(),
            ApplicationName = typeof(CliHost).Assembly.GetName().Name,
            ContentRootPath = Directory.GetCurrentDirectory(),
        }).Configuration;

    /// <summary>The folder given (--workflows), or the one the server would load from this configuration.</summary>
    public static string WorkflowsFolder(IConfiguration configuration, string? given) =>
        given is null ? ScriptingServiceCollectionExtensions.WorkflowsFolder(configuration) : Path.GetFullPath(given);

    /// <summary>
    /// The database alone (and what <paramref name="add"/> puts beside it), never the engine: the database verbs work
    /// while no host runs, or must find the database unused.
    /// </summary>
    public static ServiceProvider DatabaseServices(IConfiguration configuration, Action<IServiceCollection> add)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOpsFlowPersistence(configuration);
        add(services);
        return services.BuildServiceProvider();
    }
}
