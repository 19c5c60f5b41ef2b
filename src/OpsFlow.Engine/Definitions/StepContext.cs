using System.Collections.Concurrent;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Definitions;

/// <summary>
/// What a step body (or its compensation) gets: parameters, earlier outputs, a log that goes to the step's
/// record, progress, a token that fires on cancel or timeout, and the attempt number with a stable
/// idempotency key, because a step interrupted by a crash runs again (at-least-once).
/// </summary>
public sealed class StepContext
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _earlierOutputs;
    private readonly IStepSink _sink;
    private readonly ISecretSource _secrets;
    private readonly ConcurrentDictionary<string, string> _outputs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Finding> _findings = new();
    private int _findingsDropped;
    private readonly Lock _processGate = new();
    private ProcessUse? _processUse;
    private readonly Lock _itemsGate = new();
    private readonly List<StepItem> _items;

    internal StepContext(StepContextInfo info, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> earlierOutputs, IStepSink sink)
    {
        RunId = info.RunId;
        Workflow = info.Workflow;
        StepName = info.Step;
        Attempt = info.Attempt;
        Parameters = info.Parameters;
        IsCompensation = info.IsCompensation;
        CancellationToken = info.CancellationToken;
        Clock = info.Clock;
        Services = info.Services ?? NoServices.Instance;
        _secrets = info.Secrets;
        _earlierOutputs = earlierOutputs;
        _sink = sink;
        _items = [.. info.Items];
    }

    public string RunId { get; }

    public string Workflow { get; }

    public string StepName { get; }

    /// <summary>1 for the first attempt; raised by each retry and by each re-run after a crash.</summary>
    public int Attempt { get; }

    /// <summary>The same for every attempt of this step in this run: pass it to systems that can de-duplicate.</summary>
    public string IdempotencyKey => $"{RunId}/{StepName}";

    public ParameterValues Parameters { get; }

    /// <summary>True while the step's compensation (rollback) runs.</summary>
    public bool IsCompensation { get; }

    /// <summary>Fires when the run is cancelled or the step's timeout passes.</summary>
    public CancellationToken CancellationToken { get; }

    public TimeProvider Clock { get; }

    /// <summary>
    /// What the workflow's definition lends its steps (<see cref="WorkflowDefinition.Services"/>): the script API's
    /// helpers find the machine and the nodes here, so a test can put fakes in their place. Empty when none is lent.
    /// </summary>
    public IServiceProvider Services { get; }

    internal IReadOnlyDictionary<string, string> Outputs => _outputs;

    /// <summary>What the attempt found, in the order reported; when more than a step keeps, the last one says how many went.</summary>
    internal IReadOnlyList<Finding> Findings
    {
        get
        {
            var kept = _findings.ToArray();
            var dropped = Volatile.Read(ref _findingsDropped);
            return dropped == 0 ? kept : [.. kept, new Finding(kept.Max(f => f.Level), $"… and {dropped} more findings (see the step log)")];
        }
    }

    /// <summary>An output of an earlier step, or null.</summary>
    public string? Output(string step, string key) =>
        _earlierOutputs.TryGetValue(step, out var values) && values.TryGetValue(key, out var value) ? value : null;

    /// <summary>
    /// An output of an earlier step as a number, bool or duration (what <see cref="SetOutput{T}"/> wrote), or null when
    /// there is none; an output that is not such a value fails the step saying so.
    /// </summary>
    public T? Output<T>(string step, string key)
        where T : struct
    {
        if (Output(step, key) is not { } text)
        {
            return null;
        }

        return TypedText.TryParse<T>(text, out var value)
            ? value
            : throw new StepFailedException($"output '{key}' of step '{step}' is '{text}', which is not {TypedText.Expected<T>()}", retry: false);
    }

    /// <summary>Records an output later steps (and conditions) can read.</summary>
    public void SetOutput(string key, string value) => _outputs[key] = _sink.Mask(value);

    /// <summary>Records a number, bool or duration as an output, written so <see cref="Output{T}"/> reads it back on any host.</summary>
    public void SetOutput<T>(string key, T value)
        where T : struct => SetOutput(key, TypedText.Format(value));

    /// <summary>
    /// A secret from configuration. Its value is masked in every log line, output and error the engine records;
    /// pass it to processes through the environment rather than the command line, which other users can see.
    /// </summary>
    public string Secret(string name) => _secrets.TryGet(name, out var value)
        ? value
        : throw new KeyNotFoundException($"No secret named '{name}' is configured; set OpsFlow:Secrets:{name} (an environment variable OpsFlow__Secrets__{name} works).");

    public void Log(string text) => _sink.Log(StepName, Attempt, "info", text);

    public void LogWarning(string text) => _sink.Log(StepName, Attempt, "warning", text);

    public void LogError(string text) => _sink.Log(StepName, Attempt, "error", text);

    /// <summary>
    /// Reports what the step found (ok, warning or critical, with a short text): shown on the run's card, in the API
    /// and the dashboard, and a warning or critical finding makes the run end "succeeded with warnings". The text is
    /// masked like a log line, cut at <see cref="Finding.MaxText"/> characters, and also written to the step log.
    /// </summary>
    public void Finding(FindingLevel level, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var masked = _sink.Mask(text.Trim());
        var finding = new Finding(level, masked.Length <= Definitions.Finding.MaxText ? masked : masked[..Definitions.Finding.MaxText] + "…");
        _sink.Log(StepName, Attempt, level switch { FindingLevel.Critical => "error", FindingLevel.Warning => "warning", _ => "info" }, $"finding ({level.ToString().ToLowerInvariant()}): {finding.Text}");
        if (_findings.Count < Definitions.Finding.MaxPerStep)
        {
            _findings.Enqueue(finding);
        }
        else
        {
            Interlocked.Increment(ref _findingsDropped);
        }
    }

    /// <summary>
    /// Records what a process the step started used; <c>ctx.Run</c> does it for its processes. The step's record keeps
    /// the sum of CPU time and the largest peak memory of its last attempt, shown beside its duration.
    /// </summary>
    public void AddProcessUse(ProcessUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        lock (_processGate)
        {
            _processUse = _processUse is null ? use : _processUse.Plus(use);
        }
    }

    /// <summary>What this attempt's processes used, or null when it started none.</summary>
    internal ProcessUse? ProcessUse
    {
        get
        {
            lock (_processGate)
            {
                return _processUse;
            }
        }
    }

    /// <summary>
    /// The items of a step that works over many (nodes), as they stand: what earlier attempts reported, then this
    /// one's reports. A compensation reads them to undo only what was touched.
    /// </summary>
    public IReadOnlyList<StepItem> Items
    {
        get
        {
            lock (_itemsGate)
            {
                return [.. _items];
            }
        }
    }

    /// <summary>
    /// Reports where one item stands (a node: running, succeeded, failed…), shown collapsed on the card and one by one
    /// on the dashboard. The error is masked like a log line. A step keeps <see cref="StepItem.MaxPerStep"/> items.
    /// </summary>
    public void ReportItem(string name, ItemStatus status, string? error = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var item = new StepItem(name, status, error is null ? null : _sink.Mask(error));
        IReadOnlyList<StepItem> snapshot;
        lock (_itemsGate)
        {
            var at = _items.FindIndex(i => string.Equals(i.Name, name, StringComparison.Ordinal));
            if (at >= 0)
            {
                _items[at] = item;
            }
            else if (_items.Count < StepItem.MaxPerStep)
            {
                _items.Add(item);
            }
            else
            {
                return;
            }

            snapshot = [.. _items];
        }

        _sink.Items(StepName, snapshot);
    }

    /// <summary>Reports how far the step is, for cards and the dashboard.</summary>
    public void Progress(int percent, string? text = null) => _sink.Progress(StepName, Math.Clamp(percent, 0, 100), text);
}

internal sealed record StepContextInfo(
    string RunId,
    string Workflow,
    string Step,
    int Attempt,
    ParameterValues Parameters,
    bool IsCompensation,
    TimeProvider Clock,
    ISecretSource Secrets,
    CancellationToken CancellationToken)
{
    /// <summary>The step's items as its record holds them when the attempt starts.</summary>
    public IReadOnlyList<StepItem> Items { get; init; } = [];

    /// <summary>The definition's <see cref="WorkflowDefinition.Services"/>.</summary>
    public IServiceProvider? Services { get; init; }
}

internal sealed class NoServices : IServiceProvider
{
    public static NoServices Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}

/// <summary>Where a context's log lines and progress go (the run's coordinator).</summary>
internal interface IStepSink
{
    void Log(string step, int attempt, string level, string text);

    void Progress(string step, int percent, string? text);

    /// <summary>The step's items as they stand now (the whole list, latest wins).</summary>
    void Items(string step, IReadOnlyList<StepItem> items);

    string Mask(string text);
}
