using System.Collections.Concurrent;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Where the step contexts of one run write their log lines and progress. Both arrive on step threads; they wait
/// here until the coordinator's next save takes them, and the first one that arrives asks the coordinator for a save
/// (a <see cref="RunMessage.Flush"/>).
/// An attempt keeps its first <see cref="EngineOptions.MaxLogLinesPerAttempt"/> lines. Lines are saved as they come,
/// so the first ones are what an operator has been reading; they name what the step set out to do, and the step's
/// error is recorded with the step and in the history whatever its log holds. The line after the last one kept says
/// the log is cut short, and when the attempt ends a last line says how many were dropped (docs/engine.md, "Step logs").
/// </summary>
internal sealed class StepLogSink(string runId, EngineOptions options, SecretMasker masker, TimeProvider clock, Action requestSave) : IStepSink
{
    private readonly ConcurrentQueue<StepLogLine> _lines = new();
    private readonly ConcurrentDictionary<string, (int Percent, string? Text)> _progress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<StepItem>> _items = new(StringComparer.Ordinal);
    // Lines written per attempt, kept or not; read and written under its own lock.
    private readonly Dictionary<(string Step, int Attempt), int> _written = [];
    private int _savePending;

    public void Log(string step, int attempt, string level, string text)
    {
        var written = Count(step, attempt, 1);
        var limit = options.MaxLogLinesPerAttempt;
        if (written > limit + 1)
        {
            return;
        }

        if (written == limit + 1)
        {
            Add(step, attempt, "warning", $"(log truncated after {limit} lines; further lines of this attempt are dropped)");
            return;
        }

        // Masked before it is cut: a secret across the cut must not leave half of itself behind.
        Add(step, attempt, level, Cut(masker.Apply(text)));
    }

    private string Cut(string text)
    {
        var limit = options.MaxLogLineLength;
        return text.Length <= limit
            ? text
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{text.AsSpan(0, limit)}… (line cut at {limit:N0} of {text.Length:N0} characters)");
    }

    public void Progress(string step, int percent, string? text)
    {
        _progress[step] = (percent, text);
        RequestSave();
    }

    public void Items(string step, IReadOnlyList<StepItem> items)
    {
        _items[step] = items;
        RequestSave();
    }

    public string Mask(string text) => masker.Apply(text);

    /// <summary>An attempt ended: when its log was cut short, a last line says how many lines were dropped.</summary>
    public void AttemptEnded(string step, int attempt)
    {
        var dropped = Count(step, attempt, 0) - options.MaxLogLinesPerAttempt - 1;
        if (dropped > 0)
        {
            Add(step, attempt, "warning", $"({dropped} more line(s) of this attempt were dropped)");
        }
    }

    /// <summary>The lines written since the last save, for the next one.</summary>
    public IReadOnlyList<StepLogLine> TakeLines()
    {
        Interlocked.Exchange(ref _savePending, 0);
        if (_lines.IsEmpty)
        {
            return [];
        }

        var lines = new List<StepLogLine>();
        while (_lines.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>The latest progress of each step that reported some since the last save.</summary>
    public IReadOnlyList<(string Step, int Percent, string? Text)> TakeProgress()
    {
        // Every commit asks, and most have nothing: the dictionary's enumerator takes no lock, where Keys (or IsEmpty
        // when it is empty) takes all of them.
        List<(string, int, string?)>? taken = null;
        foreach (var (step, _) in _progress)
        {
            if (_progress.TryRemove(step, out var value))
            {
                (taken ??= []).Add((step, value.Percent, value.Text));
            }
        }

        return taken ?? [];
    }

    /// <summary>The latest items of each step that reported some since the last save.</summary>
    public IReadOnlyList<(string Step, IReadOnlyList<StepItem> Items)> TakeItems()
    {
        List<(string, IReadOnlyList<StepItem>)>? taken = null;
        foreach (var (step, _) in _items)
        {
            if (_items.TryRemove(step, out var value))
            {
                (taken ??= []).Add((step, value));
            }
        }

        return taken ?? [];
    }

    private int Count(string step, int attempt, int more)
    {
        lock (_written)
        {
            var key = (step, attempt);
            return _written[key] = _written.GetValueOrDefault(key) + more;
        }
    }

    private void Add(string step, int attempt, string level, string text)
    {
        _lines.Enqueue(new StepLogLine(runId, step, attempt, clock.GetUtcNow(), level, text));
        RequestSave();
    }

    private void RequestSave()
    {
        if (Interlocked.Exchange(ref _savePending, 1) == 0)
        {
            requestSave();
        }
    }
}
