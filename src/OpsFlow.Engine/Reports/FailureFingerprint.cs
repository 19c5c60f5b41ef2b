using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OpsFlow.Engine.Reports;

/// <summary>
/// Which failures are "the same": same workflow, same step, same error once what changes from one run to the next is
/// taken out (times, ids, paths, numbers). "connect to 10.0.0.7:5432 timed out after 00:00:30" and "connect to
/// 10.0.0.9:5432 timed out after 00:01:00" are one failure; "permission denied" is another.
/// </summary>
public static partial class FailureFingerprint
{
    /// <summary>The error of a failure as its history entry words it ("attempt 2 of 3 failed: exit 2").</summary>
    public static string ErrorOf(string reason)
    {
        var match = HistoryReason().Match(reason);
        return match.Success ? match.Groups["error"].Value : reason;
    }

    /// <summary>The error with what varies between runs replaced by placeholders, lower case, spaces collapsed.</summary>
    public static string Normalise(string error)
    {
        var text = IsoTime().Replace(error, "<time>");
        text = ClockTime().Replace(text, "<time>");
        text = Guid().Replace(text, "<id>");
        text = Url().Replace(text, "${scheme}://${host}<path>");
        text = FilePath().Replace(text, "<path>");
        text = MixedId().Replace(text, "<id>");
        text = Number().Replace(text, "#");
        return Spaces().Replace(text, " ").Trim().ToLowerInvariant();
    }

    /// <summary>A short, stable name for a failure: the first 12 hex digits of SHA-256 over workflow, step and normalised error.</summary>
    public static string Of(string workflow, string step, string error)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{workflow}\n{step}\n{Normalise(error)}"));
        return Convert.ToHexStringLower(hash)[..12];
    }

    [GeneratedRegex(@"^attempt \d+ of \d+ failed: (?<error>.*?)( \(not retried: [^)]*\))?(; it may fail \(ContinueOnError\), the run goes on)?$", RegexOptions.Singleline)]
    private static partial Regex HistoryReason();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2}|\s?UTC)?")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"\b\d{1,2}:\d{2}:\d{2}(\.\d+)?\b")]
    private static partial Regex ClockTime();

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex Guid();

    // A URL keeps its scheme and host (which service failed matters) and loses its path and query.
    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://(?<host>[^\s/'"":]+)(:\d+)?[^\s'""]*")]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<![\w.<>:/])(?:[A-Za-z]:)?(?:[/\\][^\s/\\'"":;,()]+)+[/\\]?")]
    private static partial Regex FilePath();

    // Run ids, hashes, container ids: 8 or more letters and digits with at least one of each.
    [GeneratedRegex(@"\b(?=[0-9a-zA-Z]*\d)(?=[0-9a-zA-Z]*[a-zA-Z])[0-9a-zA-Z]{8,}\b")]
    private static partial Regex MixedId();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
