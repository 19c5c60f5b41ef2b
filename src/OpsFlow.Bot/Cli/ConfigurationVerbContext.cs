using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// What a configuration-only verb works with: the console, the configuration the server would read
/// (appsettings.json, environment, <c>--Section:Key=value</c> overrides) and its own arguments; no services.
/// </summary>
internal sealed record ConfigurationVerbContext(IAnsiConsole Console, IReadOnlyList<string> ConfigurationArgs, IReadOnlyList<string> Args, CancellationToken CancellationToken)
{
    /// <summary>The same sources, in the same order, as <see cref="CliHost"/> and the web host.</summary>
    public IConfiguration LoadConfiguration() =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = ConfigurationArgs.ToArray(),
            ApplicationName = typeof(CliHost).Assembly.GetName().Name,
            ContentRootPath = Directory.GetCurrentDirectory(),
        }).Configuration;

    /// <summary>Parses the verb's arguments; on a bad option prints it with the help and returns null.</summary>
    public CliArgs? Parse(params string[] knownOptions) => CliContext.ParseOrHelp(Console, Args, knownOptions);
}
