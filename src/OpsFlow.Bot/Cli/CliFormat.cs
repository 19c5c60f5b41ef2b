using System.Globalization;
using OpsFlow.Engine.Model;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>How the command line writes statuses, times and versions: the seed's colours and symbols (PRODUCT §7).</summary>
internal static class CliFormat
{
    public static string Status(RunStatus status) => Markup(status.ToString(), status switch
    {
        RunStatus.Pending => "blue",
        RunStatus.Running or RunStatus.RollingBack => "yellow",
        RunStatus.WaitingForApproval or RunStatus.Paused => "darkorange",
        RunStatus.Succeeded => "green",
        RunStatus.Failed or RunStatus.RolledBack => "red",
        _ => "grey",
    }, status switch
    {
        RunStatus.Succeeded => "✓ ",
        RunStatus.Failed or RunStatus.RolledBack => "✗ ",
        _ => string.Empty,
    });

    public static string Status(StepStatus status) => Markup(status.ToString(), status switch
    {
        StepStatus.Pending => "blue",
        StepStatus.Running or StepStatus.Compensating => "yellow",
        StepStatus.Waiting => "darkorange",
        StepStatus.Succeeded or StepStatus.Compensated => "green",
        StepStatus.Failed or StepStatus.TimedOut or StepStatus.CompensationFailed => "red",
        _ => "grey",
    }, status switch
    {
        StepStatus.Succeeded => "✓ ",
        StepStatus.Failed or StepStatus.TimedOut or StepStatus.CompensationFailed => "✗ ",
        _ => string.Empty,
    });

    /// <summary>A workflow version (a script's content hash) as people compare it: its first 12 characters.</summary>
    public static string ShortHash(string? version) => version is null ? "built-in" : version[..Math.Min(12, version.Length)];

    public static string Time(DateTimeOffset? at) =>
        at?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>From start to end, or to now while it is still going.</summary>
    public static string Duration(DateTimeOffset? started, DateTimeOffset? ended, DateTimeOffset now) =>
        started is null ? "-" : Duration((ended ?? now) - started.Value);

    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
        { TotalHours: < 1 } => $"{(int)span.TotalMinutes}m{span.Seconds:00}s",
        _ => $"{(int)span.TotalHours}h{span.Minutes:00}m",
    };

    /// <summary>A script file as a path people can open: relative to the current folder when it is inside it.</summary>
    public static string ScriptPath(string workflowsRoot, string file)
    {
        var full = Path.GetFullPath(Path.Combine(workflowsRoot, file));
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
        return shown.Replace('\\', '/');
    }

    private static string Markup(string text, string colour, string symbol) => $"[{colour}]{symbol}{text}[/]";
}
