using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

public static class ScriptingServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="ScriptingOptions"/>.</summary>
    public const string Section = "OpsFlow:Scripts";

    /// <summary>The setting that overrides <see cref="ScriptingOptions.WorkflowsPath"/> (it predates the section).</summary>
    public const string WorkflowsPathKey = "OpsFlow:WorkflowsPath";

    /// <summary>The section whose keys scripts read as their settings (<see cref="IScriptEnvironment"/>).</summary>
    public const string WorkflowSettingsSection = "OpsFlow:WorkflowSettings";

    /// <summary>
    /// The workflows folder, absolute, as the catalog will find it in <paramref name="configuration"/>: for tools that
    /// need the folder without the services (`opsflow new`, `opsflow editor`).
    /// </summary>
    public static string WorkflowsFolder(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Path.GetFullPath(
            configuration[WorkflowsPathKey]
            ?? configuration.GetSection(Section)[nameof(ScriptingOptions.WorkflowsPath)]
            ?? new ScriptingOptions().WorkflowsPath);
    }

    /// <summary>
    /// The catalog of workflow scripts (<see cref="ScriptWorkflowCatalog"/>: Roslyn compile, disk cache, collectible
    /// load contexts), with <see cref="ScriptingOptions"/> from <paramref name="configuration"/>
    /// (paths made absolute, checked at start) and the scripts' settings. Loading the scripts is the caller's to start
    /// (<see cref="ScriptWorkflowCatalog.ReloadAsync"/>), and so is watching the folder (<see cref="WorkflowFolderWatcher"/>, long-lived hosts only).
    /// The catalog needs the engine's definition snapshot store from elsewhere.
    /// </summary>
    public static IServiceCollection AddOpsFlowScripting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ScriptingOptions>()
            .Bind(configuration.GetSection(Section))
            .Configure(options => options.WorkflowsPath = configuration[WorkflowsPathKey] ?? options.WorkflowsPath)
            .PostConfigure(options =>
            {
                options.WorkflowsPath = Path.GetFullPath(options.WorkflowsPath);
                options.CachePath = Path.GetFullPath(options.CachePath);
                options.DataPath = Path.GetFullPath(options.DataPath);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScriptingOptions>, ScriptingOptionsValidator>());
        // The catalog and the watcher take the options as a plain object.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ScriptingOptions>>().Value);
        services.TryAddSingleton<IScriptEnvironment>(sp =>
        {
            var options = sp.GetRequiredService<ScriptingOptions>();
            Directory.CreateDirectory(options.DataPath);
            var settings = configuration.GetSection(WorkflowSettingsSection).AsEnumerable(makePathsRelative: true)
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
            // Nodes and SSH when the host has them (AddOpsFlowFleet), the database's backups when it has those; none otherwise.
            return new ScriptEnvironment(settings, options.DataPath, sp.GetService<IFleet>(), backups: sp.GetService<IOpsFlowBackups>());
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ScriptTelemetry>();
        services.TryAddSingleton<ScriptWorkflowCatalog>();
        return services;
    }
}

/// <summary>Settings that would make every script fail to load, or none unload, fail the start with what to change.</summary>
internal sealed class ScriptingOptionsValidator : IValidateOptions<ScriptingOptions>
{
    public ValidateOptionsResult Validate(string? name, ScriptingOptions options)
    {
        var problems = new List<string>();
        if (options.MaxLoadedScripts < 1)
        {
            problems.Add($"{ScriptingServiceCollectionExtensions.Section}:MaxLoadedScripts is {options.MaxLoadedScripts}; use 1 or more (default 64).");
        }

        if (options.DeclareTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{ScriptingServiceCollectionExtensions.Section}:DeclareTimeout is {options.DeclareTimeout}; use a positive duration (default 00:00:10).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
