using System.Globalization;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// What the `run` verb knows of its run, kept up to date from the engine's committed changes, and drawn either as
/// a live table (a person at a terminal) or as one plain line per change (CI, logs, tests).
/// </summary>
internal sealed class RunProgress
{
    private readonly Dictionary<string, StepRecord> _steps;

    public RunProgress(RunRecord run, IEnumerable<StepRecord> steps)
    {
        Run = run;
        _steps = steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    public RunRecord Run { get; private set; }

    public IEnumerable<StepRecord> Steps => _steps.Values.OrderBy(s => s.Position);

    /// <summary>Nothing more happens without a person: a terminal status, or Failed (it waits for retry or cancel).</summary>
    public bool Ended => StateMachine.IsTerminal(Run.Status) || Run.Status == RunStatus.Failed;

    /// <summary>
    /// Applies a change of this run, newer than what is known (changes may have queued up before the start returned).
    /// Returns the lines a plain display prints for it; nothing for another run or a stale change.
    /// </summary>
    public IReadOnlyList<string> Apply(RunChanged change, DateTimeOffset now)
    {
        if (!string.Equals(change.Run.Id, Run.Id, StringComparison.Ordinal) || change.Run.Version <= Run.Version)
        {
            return [];
        }

        var lines = new List<string>();
        var time = now.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        // Steps first: a run's last status line reads after the step that ended it.
        var runLine = change.Run.Status == Run.Status
            ? null
            : $"[grey]{time}[/] run {Markup.Escape(Run.Id)}: {CliFormat.Status(Run.Status)} → {CliFormat.Status(change.Run.Status)}";
        Run = change.Run;
        foreach (var step in change.Steps)
        {
            var before = _steps.GetValueOrDefault(step.Name);
            _steps[step.Name] = step;
            if (before is null || before.Status != step.Status || before.Attempt != step.Attempt
                || before.ProgressPercent != step.ProgressPercent || before.ProgressText != step.ProgressText)
            {
                lines.Add($"[grey]{time}[/] {Markup.Escape(step.Name)} {CliFormat.Status(step.Status)}{Details(step, now)}");
            }
        }

        if (runLine is not null)
        {
            lines.Add(runLine);
        }

        return lines;
    }

    /// <summary>The live table: step, status in colour, attempt, progress, duration.</summary>
    public IRenderable Render(DateTimeOffset now)
    {
        var table = new Table()
            .Title($"{Markup.Escape(Run.Workflow)} {Markup.Escape(Run.Id)}: {CliFormat.Status(Run.Status)}")
            .AddColumn("step").AddColumn("status").AddColumn(new TableColumn("attempt").RightAligned())
            .AddColumn("progress").AddColumn(new TableColumn("duration").RightAligned());
        foreach (var step in Steps)
        {
            table.AddRow(
                new Text(step.Name),
                new Markup(CliFormat.Status(step.Status)),
                new Text(step.Attempt == 0 ? "-" : step.Attempt.ToString(CultureInfo.InvariantCulture)),
                new Markup(Progress(step)),
                new Text(DurationText.Between(step.StartedAt, step.EndedAt, now)));
        }

        table.Caption(Run.Error is null ? "Ctrl+C stops watching; the run goes on" : $"[red]{Markup.Escape(Run.Error)}[/]");
        return table;
    }

    private static string Progress(StepRecord step)
    {
        if (step.ProgressPercent is not { } percent)
        {
            return Markup.Escape(step.ProgressText ?? string.Empty);
        }

        const int width = 10;
        var filled = percent * width / 100;
        var bar = new string('█', filled) + new string('░', width - filled);
        return $"[yellow]{bar}[/] {percent,3}% {Markup.Escape(step.ProgressText ?? string.Empty)}";
    }

    private static string Details(StepRecord step, DateTimeOffset now)
    {
        var parts = new List<string>();
        if (step.Attempt > 1)
        {
            parts.Add($"attempt {step.Attempt}");
        }

        if (step.ProgressPercent is { } percent && step.Status == StepStatus.Running)
        {
            parts.Add($"{percent}%{(step.ProgressText is null ? string.Empty : " " + step.ProgressText)}");
        }

        if (step.EndedAt is not null)
        {
            parts.Add(DurationText.Between(step.StartedAt, step.EndedAt, now));
        }

        if (step.Error is not null)
        {
            parts.Add(step.Error);
        }

        return parts.Count == 0 ? string.Empty : " [grey]" + Markup.Escape(string.Join(", ", parts)) + "[/]";
    }
}
