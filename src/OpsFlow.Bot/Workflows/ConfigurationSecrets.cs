using System.Data.Common;
using Microsoft.Extensions.Primitives;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Workflows;

/// <summary>
/// Secrets from the "OpsFlow:Secrets" configuration section: user secrets, environment variables
/// (OpsFlow__Secrets__name) or a vault provider in production, never appsettings.json in the repository. What is
/// masked is more than what scripts may read: every credential the host is configured with (the Teams app password,
/// the sign-in client secret, the password of every connection string), so a step that comes across one (a tool
/// printing its configuration, say) cannot put it into a log, an output, an error or a card.
/// </summary>
internal sealed class ConfigurationSecrets : ISecretSource
{
    private static readonly string[] Credentials = ["OpsFlow:Teams:AppPassword", "OpsFlow:Auth:ClientSecret"];
    private static readonly string[] PasswordKeys = ["Password", "Pwd"];

    private readonly IConfiguration _configuration;
    private volatile string[] _values;

    public ConfigurationSecrets(IConfiguration configuration)
    {
        _configuration = configuration;
        _values = Read();
        // Every masked line asks for the values: read once, again when the configuration reloads (user secrets, a vault).
        ChangeToken.OnChange(configuration.GetReloadToken, () => _values = Read());
    }

    private IConfigurationSection Section => _configuration.GetSection("OpsFlow:Secrets");

    public IReadOnlyCollection<string> Values => _values;

    private string[] Read() =>
        Section.GetChildren().Select(c => c.Value)
            .Concat(Credentials.Select(key => _configuration[key]))
            .Concat(_configuration.GetSection("ConnectionStrings").GetChildren().Select(c => Password(c.Value)))
            .Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct(StringComparer.Ordinal).ToArray();

    public bool TryGet(string name, out string value)
    {
        value = Section[name] ?? "";
        return value.Length > 0;
    }

    /// <summary>The password of a connection string (Password or Pwd, whatever the provider), or null.</summary>
    internal static string? Password(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // Not key=value pairs (a URI, say): nothing to pick a password from; the provider will say it is wrong.
            return null;
        }

        return PasswordKeys.Select(key => builder.TryGetValue(key, out var value) ? value?.ToString() : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));
    }
}
