namespace OpsFlow.Scripting.Api;

/// <summary>What a script may read from the host while it declares its graph: settings and the data folder.</summary>
public interface IScriptEnvironment
{
    /// <summary>A setting from the "OpsFlow:WorkflowSettings" configuration section (key path with ':'), or null.</summary>
    string? Setting(string key);

    /// <summary>The values under a setting that is a list (e.g. the HTTP endpoints inspect checks).</summary>
    IReadOnlyList<string> SettingList(string key);

    /// <summary>The folder where workflows may keep state (releases, backups, reports); it exists.</summary>
    string DataDirectory { get; }

    /// <summary>The nodes workflows may act on, and the way to them (SSH); none unless the host configures some.</summary>
    IFleet Fleet => NoFleet.Instance;

    /// <summary>The machine steps run programs and send HTTP on: this one, unless a test lends a fake.</summary>
    IMachine Machine => LocalMachine.Instance;

    /// <summary>The OpsFlow database's backups, when the host lends them (the server and the command line do).</summary>
    IOpsFlowBackups? Backups => null;
}

/// <summary>Settings from a flat dictionary ("inspect:endpoints:0" = "http://…").</summary>
public sealed class ScriptEnvironment(IReadOnlyDictionary<string, string?> settings, string dataDirectory, IFleet? fleet = null, IMachine? machine = null, IOpsFlowBackups? backups = null) : IScriptEnvironment
{
    public static ScriptEnvironment Empty(string dataDirectory) => new(new Dictionary<string, string?>(), dataDirectory);

    public IFleet Fleet { get; } = fleet ?? NoFleet.Instance;

    public IMachine Machine { get; } = machine ?? LocalMachine.Instance;

    public IOpsFlowBackups? Backups { get; } = backups;

    public string DataDirectory { get; } = dataDirectory;

    public string? Setting(string key) => settings.GetValueOrDefault(key);

    public IReadOnlyList<string> SettingList(string key)
    {
        var prefix = key + ":";
        return settings
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && kv.Value is not null && !kv.Key[prefix.Length..].Contains(':', StringComparison.Ordinal))
            .OrderBy(kv => int.TryParse(kv.Key[prefix.Length..], out var index) ? index : int.MaxValue)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Value!)
            .ToArray();
    }
}
