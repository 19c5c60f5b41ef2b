using System.Globalization;

namespace OpsFlow.Engine.Definitions;

/// <summary>
/// The one way parameters, settings and step outputs turn text into typed values and back: invariant culture, so a
/// host's locale never changes what "1.5" or "true" means; yes/no, on/off and 1/0 read as booleans, as people type them
/// in chat.
/// </summary>
public static class TypedText
{
    /// <summary>Reads <paramref name="text"/> as an int, long, double, bool or TimeSpan; false when it is not one.</summary>
    public static bool TryParse<T>(string text, out T value)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(text);
        var culture = CultureInfo.InvariantCulture;
        object? parsed = typeof(T) switch
        {
            var t when t == typeof(int) && int.TryParse(text, NumberStyles.Integer, culture, out var i) => i,
            var t when t == typeof(long) && long.TryParse(text, NumberStyles.Integer, culture, out var l) => l,
            var t when t == typeof(double) && double.TryParse(text, NumberStyles.Float, culture, out var d) => d,
            var t when t == typeof(bool) => Truth(text),
            var t when t == typeof(TimeSpan) && TimeSpan.TryParse(text, culture, out var span) => span,
            _ => null,
        };
        value = parsed is T typed ? typed : default;
        return parsed is T;
    }

    /// <summary>The text <see cref="TryParse{T}"/> reads back as <paramref name="value"/>.</summary>
    public static string Format<T>(T value)
        where T : struct => value switch
        {
            bool b => b ? "true" : "false",
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

    /// <summary>What a value of <typeparamref name="T"/> looks like, for an error that says what to write instead.</summary>
    public static string Expected<T>() =>
        typeof(T) == typeof(int) || typeof(T) == typeof(long) ? "a whole number"
        : typeof(T) == typeof(double) ? "a number"
        : typeof(T) == typeof(bool) ? "true or false"
        : typeof(T) == typeof(TimeSpan) ? "a duration like 00:00:30"
        : $"a {typeof(T).Name} (not supported: use int, long, double, bool or TimeSpan)";

    private static bool? Truth(string text) => text.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "Y" or "1" or "ON" => true,
        "FALSE" or "NO" or "N" or "0" or "OFF" => false,
        _ => null,
    };
}
