using System.Globalization;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>How the run card words things: durations, times, status names, trimmed log lines.</summary>
public static class RunCardText
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Status(RunStatus status) => status switch
    {
        RunStatus.WaitingForApproval => "Waiting for approval",
        RunStatus.RollingBack => "Rolling back",
        RunStatus.RolledBack => "Rolled back",
        _ => status.ToString(),
    };

    /// <summary>The run's status as its card says it: "Succeeded with warnings" when a step found something.</summary>
    public static string Status(RunCardView view) =>
        view.Look == StatusVocabulary.SucceededWithWarnings ? "Succeeded with warnings" : Status(view.Run.Status);

    public static string Status(StepStatus status) => status switch
    {
        StepStatus.TimedOut => "timed out",
        StepStatus.CompensationFailed => "compensation failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>"about 2 min left", "less than a minute left", or "taking longer than usual (usually 3 min 10 s)".</summary>
    public static string Estimate(TimeSpan elapsed, TimeSpan typical)
    {
        var left = typical - elapsed;
        if (left <= TimeSpan.Zero)
        {
            return $"taking longer than usual (usually {DurationText.Of(typical)})";
        }

        return left.TotalMinutes < 1 ? "less than a minute left"
            : left.TotalMinutes < 90 ? $"about {Math.Ceiling(left.TotalMinutes):0} min left"
            : $"about {left.TotalHours:0.#} h left";
    }

    /// <summary>Cuts a string to <paramref name="max"/> characters with an ellipsis, so one long line cannot bloat the card.</summary>
    public static string Trim(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
