using System.Globalization;
using OpsFlow.Engine.Model;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>How the command line writes statuses (<see cref="StatusVocabulary"/>), times, durations and versions.</summary>
internal static class CliFormat
{
    public static string Status(RunStatus status) => Markup(status.ToString(), StatusVocabulary.Of(status));

    /// <summary>A run's status with what its steps found: "Succeeded with warnings" in amber.</summary>
    public static string Status(RunStatus status, IEnumerable<StepRecord> steps) =>
        StatusVocabulary.Of(status, steps) is var look && look == StatusVocabulary.SucceededWithWarnings ? Markup("Succeeded with warnings", look) : Status(status);

    public static string Status(StepStatus status) => Markup(status.ToString(), StatusVocabulary.Of(status));

    /// <summary>A workflow version (a script's content hash) as people compare it: its first 12 characters.</summary>
    /// <summary>"1.2 s · 85.3 MiB": what the step's processes used, or nothing for a step that ran none.</summary>
    public static string ProcessUse(StepRecord step) =>
        step.CpuMilliseconds is { } cpu ? $"{DurationText.OfMilliseconds(cpu)} · {Bytes(step.PeakMemoryBytes ?? 0)}" : string.Empty;

    /// <summary>Powers of 1024 with one decimal, as the dashboard's formatBytes and the shipped workflows write sizes.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = Math.Max(0, bytes);
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} bytes" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Math.Round(value, 1)} {units[unit]}");
    }

    public static string ShortHash(string? version) => version is null ? "built-in" : version[..Math.Min(12, version.Length)];

    public static string Time(DateTimeOffset? at) =>
        at?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>A script file as a path people can open: relative to the current folder when it is inside it.</summary>
    public static string ScriptPath(string workflowsRoot, string file)
    {
        var full = Path.GetFullPath(Path.Combine(workflowsRoot, file));
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
        return shown.Replace('\\', '/');
    }

    /// <summary>The status name (what --status takes) behind the shared symbol, in the tone's terminal colour.</summary>
    private static string Markup(string text, StatusLook look) => $"[{Colour(look.Tone)}]{look.Symbol} {text}[/]";

    private static string Colour(StatusTone tone) => tone switch
    {
        StatusTone.Pending => "blue",
        StatusTone.Running => "yellow",
        StatusTone.Approval => "darkorange",
        StatusTone.Succeeded => "green",
        StatusTone.Failed => "red",
        StatusTone.Warning => "orange3",
        _ => "grey",
    };
}
