using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>Step log lines and progress arrive from step threads; they are saved with the next commit.</summary>
internal sealed partial class RunCoordinator : IStepSink
{
    private int _flushPosted;
    private readonly Dictionary<(string Step, int Attempt), int> _logCounts = [];

    void IStepSink.Log(string step, int attempt, string level, string text)
    {
        var key = (step, attempt);
        int count;
        lock (_logCounts)
        {
            _logCounts[key] = count = _logCounts.GetValueOrDefault(key) + 1;
        }

        var limit = _services.Options.MaxLogLinesPerAttempt;
        if (count > limit + 1)
        {
            return;
        }

        var line = count == limit + 1 ? $"(log truncated after {limit} lines)" : _services.Masker.Apply(text);
        _logs.Enqueue(new StepLogLine(RunId, step, attempt, Now, count == limit + 1 ? "warning" : level, line));
        RequestFlush();
    }

    void IStepSink.Progress(string step, int percent, string? text)
    {
        _progress[step] = (percent, text);
        RequestFlush();
    }

    string IStepSink.Mask(string text) => _services.Masker.Apply(text);

    private void RequestFlush()
    {
        if (Interlocked.Exchange(ref _flushPosted, 1) == 0)
        {
            Post(new RunMessage.Flush());
        }
    }

    /// <summary>The outputs steps have recorded so far; taken on the coordinator's thread.</summary>
    private Dictionary<string, IReadOnlyDictionary<string, string>> OutputsSoFar() =>
        _steps.Values
            .Where(s => s.Outputs.Count > 0)
            .ToDictionary(s => s.Name, s => s.Outputs, StringComparer.Ordinal);

    private StepContext ContextFor(StepRecord step, bool compensation, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> outputs, CancellationToken token)
    {
        var info = new StepContextInfo(RunId, _run.Workflow, step.Name, step.Attempt, _parameters, compensation, _services.Clock, _services.Secrets, token);
        return new StepContext(info, outputs, this);
    }
}
