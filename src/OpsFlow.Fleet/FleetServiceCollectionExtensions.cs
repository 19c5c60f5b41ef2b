using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Fleet;

public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// The nodes (OpsFlow:Fleet) and SSH to them, as the scripts' <see cref="IFleet"/>. Needs an ISecretSource for keys.
    /// </summary>
    public static IServiceCollection AddOpsFlowFleet(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FleetOptions>().Bind(configuration.GetSection(FleetOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<FleetOptions>>().Value);
        services.TryAddSingleton<NodeInventory>();
        services.TryAddSingleton<SshFleet>();
        services.TryAddSingleton<IFleet>(sp => sp.GetRequiredService<SshFleet>());
        return services;
    }
}

/// <summary>Fleet settings that could never work fail the start with what to change.</summary>
internal sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var problems = new List<string>();
        if (options.MaxSessionsPerNode < 1)
        {
            problems.Add($"{FleetOptions.Section}:MaxSessionsPerNode is {options.MaxSessionsPerNode}; use 1 or more (default 8, below OpenSSH's MaxSessions of 10).");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{FleetOptions.Section}:ConnectTimeout is {options.ConnectTimeout}; use a positive duration (default 00:00:10).");
        }

        var known = SshFleet.KnownKeyExchanges();
        var unknown = options.KeyExchange.Where(k => !known.Contains(k, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            problems.Add($"{FleetOptions.Section}:KeyExchange names {string.Join(", ", unknown)}, which SSH.NET does not offer; it offers: {string.Join(", ", known)}.");
        }

        foreach (var (node, settings) in options.Nodes)
        {
            if (settings.Port is < 1 or > 65535)
            {
                problems.Add($"{FleetOptions.Section}:Nodes:{node}:Port is {settings.Port}; a port is 1–65535 (default 22).");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
