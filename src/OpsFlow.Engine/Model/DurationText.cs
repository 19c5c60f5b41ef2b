using System.Globalization;

namespace OpsFlow.Engine.Model;

/// <summary>
/// How long something took, as people read it, the same on the card, in reports and at the command line (the dashboard
/// writes it the same way; a browser test holds the two together): "850 ms", "12.5 s", "3 min 20 s", "1 h 5 min".
/// </summary>
public static class DurationText
{
    public static string Of(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var culture = CultureInfo.InvariantCulture;
        return span.TotalSeconds < 1 ? string.Create(culture, $"{span.TotalMilliseconds:0} ms")
            : span.TotalMinutes < 1 ? string.Create(culture, $"{span.TotalSeconds:0.#} s")
            : span.TotalHours < 1 ? string.Create(culture, $"{(int)span.TotalMinutes} min {span.Seconds} s")
            : string.Create(culture, $"{(int)span.TotalHours} h {span.Minutes} min");
    }

    /// <summary>A duration reports keep in milliseconds.</summary>
    public static string OfMilliseconds(double milliseconds) => Of(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>From <paramref name="started"/> to <paramref name="ended"/>, or to <paramref name="now"/> while it goes on; "-" before it started.</summary>
    public static string Between(DateTimeOffset? started, DateTimeOffset? ended, DateTimeOffset now) =>
        started is null ? "-" : Of((ended ?? now) - started.Value);
}
