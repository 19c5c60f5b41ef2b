using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>Why a script is being run.</summary>
public enum ScriptMode
{
    /// <summary>To learn its name, parameters and graph. Parameters return their default or a placeholder.</summary>
    Describe,
    /// <summary>To build the graph of one run. Parameters return the run's validated values.</summary>
    Materialize,
}

/// <summary>
/// The globals of a workflow script: every top-level call in a .csx file (Workflow, Param, Step, Approval,
/// Checkpoint, Branch, Lock, Setting) is a member of this class. Running the script declares the graph; the
/// engine executes it later. A script runs once to describe the workflow and once per run to build that run's
/// graph with the run's parameter values, so declaration code must not have side effects.
/// </summary>
public sealed partial class WorkflowScript
{
    private readonly ScriptMode _mode;
    private readonly ParameterValues _values;
    private readonly IScriptEnvironment _environment;
    private readonly string _defaultName;
    private readonly List<ScriptProblem> _problems = [];
    private WorkflowBuilder? _builder;
    private string? _description;

    internal WorkflowScript(ScriptMode mode, ParameterValues values, IScriptEnvironment environment, string defaultName)
    {
        _mode = mode;
        _values = values;
        _environment = environment;
        _defaultName = defaultName;
    }

    /// <summary>True when the script runs only to be described (validate, list, usage); false for a real run.</summary>
    public bool IsDescribing => _mode == ScriptMode.Describe;

    /// <summary>A folder for this workflow's state (releases, backups, reports). It exists.</summary>
    public string DataDirectory => _environment.DataDirectory;

    internal IReadOnlyList<ScriptProblem> Problems => _problems;

    internal IReadOnlyList<ParameterDefinition> Parameters => _parameters;

    internal string? Description => _description;

    /// <summary>Names and describes the workflow. Call it first; without it the file name is the workflow's name.</summary>
    public void Workflow(string name, string description = "", [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
    {
        if (_builder is not null)
        {
            Problem(file, line, $"Workflow(\"{name}\") must come before the first Param, Step or Lock.");
            return;
        }

        if (string.IsNullOrWhiteSpace(name) || !NamePattern().IsMatch(name))
        {
            Problem(file, line, $"workflow name '{name}' is not valid: use lower-case letters, digits and '-', starting with a letter (it is typed in chat as /{name}).");
            return;
        }

        _description = description;
        _builder = new WorkflowBuilder(name, description);
    }

    /// <summary>One run per key at a time (e.g. $"{app}/{env}"). A second run is refused, or queued with <c>queue: true</c>.</summary>
    public void Lock(string key, bool queue = false) => Builder.Lock(key, queue ? LockMode.Queue : LockMode.Refuse);

    /// <summary>Lets the requester approve their own run. Off by default (four-eyes).</summary>
    public void AllowSelfApproval() => Builder.AllowSelfApproval();

    /// <summary>
    /// Narrows who may start this workflow: <paramref name="who"/> is a comma-separated list of roles ("role:ops-manager"),
    /// UPNs or user ids; with <paramref name="when"/> ("env=prod", "keep<3") the rule applies only to starts whose
    /// parameters meet it. Every rule that applies must be met, in chat, the API, the dashboard, the command line and
    /// schedules alike.
    /// </summary>
    public void StartableBy(string who, string? when = null, [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) =>
        Builder.StartableBy(new StartRule(who.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), when) { Source = new SourceLocation(Path.GetFileName(file), line) });

    /// <summary>At most this many steps of a run execute at once.</summary>
    public void MaxParallelism(int steps) => Builder.MaxParallelism(steps);

    /// <summary>
    /// How many minutes this work takes a person by hand (1 to a week's worth): the weekly digest and the monthly report
    /// count it per succeeded run as manual work saved.
    /// </summary>
    public void ManualMinutes(int minutes) => Builder.ManualMinutes(minutes);

    /// <summary>A setting from the "OpsFlow:WorkflowSettings" section of configuration, or <paramref name="fallback"/>.</summary>
    public string? Setting(string key, string? fallback = null) => _environment.Setting(key) ?? fallback;

    /// <summary>
    /// A typed setting: <c>Setting&lt;int&gt;("deploy:port", 5090)</c>. int, long, double, bool and TimeSpan
    /// ("00:00:30") are read with the invariant culture; a value that does not read as <typeparamref name="T"/> is a
    /// problem of the script at this line (the workflow does not load, and says which setting to fix), never a
    /// run that fails half-way.
    /// </summary>
    public T Setting<T>(string key, T fallback, [System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
        where T : struct
    {
        var text = _environment.Setting(key);
        if (text is null)
        {
            return fallback;
        }

        if (TypedText.TryParse<T>(text, out var value))
        {
            return value;
        }

        Problem(file, line, $"setting '{key}' is '{text}', which is not {TypedText.Expected<T>()}; fix OpsFlow:WorkflowSettings:{key}");
        return fallback;
    }

    /// <summary>A list setting, e.g. <c>SettingList("inspect:endpoints")</c>.</summary>
    public IReadOnlyList<string> SettingList(string key) => _environment.SettingList(key);

    internal string WorkflowName => _builder?.Name ?? _defaultName;

    internal WorkflowBuilder Builder => _builder ??= new WorkflowBuilder(_defaultName);

    /// <summary>Builds the graph; throws <see cref="WorkflowDefinitionException"/> listing graph problems.</summary>
    internal WorkflowDefinition Build(string? version) => Builder.Build(version) with { Services = new ScriptServices(_environment) };

    /// <summary>The rule <see cref="Workflow"/> checks names with, for tools that name a workflow before it exists.</summary>
    internal static bool IsValidName(string name) => NamePattern().IsMatch(name);

    private void Problem(string file, int line, string message) =>
        _problems.Add(new ScriptProblem(file, line, 0, message));

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial System.Text.RegularExpressions.Regex NamePattern();
}
