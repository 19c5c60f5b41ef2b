using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Workflows;

/// <summary>
/// Secrets from the "OpsFlow:Secrets" configuration section: user secrets, environment variables
/// (OpsFlow__Secrets__name) or a vault provider in production, never appsettings.json in the repository.
/// </summary>
internal sealed class ConfigurationSecrets(IConfiguration configuration) : ISecretSource
{
    private IConfigurationSection Section => configuration.GetSection("OpsFlow:Secrets");

    public IReadOnlyCollection<string> Values =>
        Section.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToArray();

    public bool TryGet(string name, out string value)
    {
        value = Section[name] ?? "";
        return value.Length > 0;
    }
}
