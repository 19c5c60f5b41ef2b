namespace OpsFlow.Scripting;

/// <summary>Settings of the script loader (section "OpsFlow:Scripts", plus OpsFlow:WorkflowsPath).</summary>
public sealed class ScriptingOptions
{
    /// <summary>The folder of workflow scripts. Default "workflows".</summary>
    public string WorkflowsPath { get; set; } = "workflows";

    /// <summary>Where compiled scripts are cached. Default "data/script-cache".</summary>
    public string CachePath { get; set; } = Path.Combine("data", "script-cache");

    /// <summary>Where workflows keep their state (releases, backups, reports). Default "data/workflows".</summary>
    public string DataPath { get; set; } = Path.Combine("data", "workflows");

    /// <summary>Compiled scripts kept loaded; older ones are unloaded and reloaded from disk when needed. Default 64.</summary>
    public int MaxLoadedScripts { get; set; } = 64;

    /// <summary>Watch the folder and reload changed scripts without a restart. Default true.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How long a script may take to declare its graph. Default 10 s.</summary>
    public TimeSpan DeclareTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
