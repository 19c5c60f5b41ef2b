using System.Text.RegularExpressions;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// Cron text as people write it. Quartz expressions have seconds first ("0 0 6 * * ?"); people usually write the
/// classic five fields ("0 6 * * *", days of week 0–7 with Sunday 0 or 7). Both are accepted and stored in Quartz form.
/// </summary>
public static partial class CronText
{
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    /// <summary>The Quartz form of <paramref name="cron"/>, or null with the reason in <paramref name="problem"/>.</summary>
    public static string? ToQuartz(string cron, out string? problem)
    {
        var fields = (cron ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string quartz;
        switch (fields.Length)
        {
            case 5:
                var (dayOfMonth, dayOfWeek) = (fields[2], DayNames().Replace(fields[4], m => Days[int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)]));
                if (dayOfWeek == "*")
                {
                    dayOfWeek = "?";
                }
                else if (dayOfMonth == "*")
                {
                    dayOfMonth = "?";
                }
                else
                {
                    problem = $"'{cron}' gives both a day of month and a day of week; give one and put * in the other";
                    return null;
                }

                quartz = $"0 {fields[0]} {fields[1]} {dayOfMonth} {fields[3]} {dayOfWeek}";
                break;
            case 6 or 7:
                quartz = string.Join(' ', fields);
                break;
            default:
                problem = $"'{cron}' is not a cron expression: give five fields (minute hour day-of-month month day-of-week, e.g. \"0 6 * * *\") or Quartz's six or seven (e.g. \"0 0 6 * * ?\")";
                return null;
        }

        try
        {
            _ = new CronExpression(quartz);
            problem = null;
            return quartz;
        }
        catch (FormatException ex)
        {
            problem = $"'{cron}' is not a valid cron expression: {ex.Message}";
            return null;
        }
    }

    /// <summary>The time zone by IANA or Windows id, or null with the reason in <paramref name="problem"/>.</summary>
    public static TimeZoneInfo? Zone(string id, out string? problem)
    {
        if (TimeZoneInfo.TryFindSystemTimeZoneById(string.IsNullOrWhiteSpace(id) ? "UTC" : id, out var zone))
        {
            problem = null;
            return zone;
        }

        problem = $"'{id}' is not a known time zone; use an IANA id such as Europe/Paris or UTC";
        return null;
    }

    // Day-of-week numbers outside a step ("*/2" keeps its 2).
    [GeneratedRegex(@"(?<![/\d])[0-7](?!\d)")]
    private static partial Regex DayNames();
}
