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
}
