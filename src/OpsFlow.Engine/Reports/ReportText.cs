using System.Globalization;

namespace OpsFlow.Engine.Reports;

/// <summary>How reports write numbers for people, the same in the monthly report, chat and the command line.</summary>
public static class ReportText
{
    public static string Percent(double rate) => (rate * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>A duration in milliseconds as people read it: "850 ms", "12.5 s", "3 min 20 s", "1 h 5 min".</summary>
    public static string Duration(double milliseconds)
    {
        var time = TimeSpan.FromMilliseconds(milliseconds);
        var culture = CultureInfo.InvariantCulture;
        return time.TotalSeconds < 1 ? string.Create(culture, $"{milliseconds:0} ms")
            : time.TotalMinutes < 1 ? string.Create(culture, $"{time.TotalSeconds:0.#} s")
            : time.TotalHours < 1 ? string.Create(culture, $"{(int)time.TotalMinutes} min {time.Seconds} s")
            : string.Create(culture, $"{(int)time.TotalHours} h {time.Minutes} min");
    }
}
