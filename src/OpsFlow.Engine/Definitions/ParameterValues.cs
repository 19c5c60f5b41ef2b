using System.Globalization;

namespace OpsFlow.Engine.Definitions;

/// <summary>A run's parameters after validation: every declared parameter has a value in its normal form.</summary>
public sealed class ParameterValues(IReadOnlyDictionary<string, string> values)
{
    public static ParameterValues Empty { get; } = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Values { get; } = values;

    public string this[string name] => Values.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"The workflow declares no parameter '{name}'.");

    public int GetInt(string name) => int.Parse(this[name], CultureInfo.InvariantCulture);

    public bool GetBool(string name) => bool.Parse(this[name]);
}

/// <summary>A parameter that broke its rule: what, why, and an example that works.</summary>
public sealed record ParameterError(string Parameter, string Problem, string Example)
{
    public override string ToString() => $"parameter '{Parameter}': {Problem} (example: {Parameter}={Example})";
}

/// <summary>Validates raw parameter text (from chat, the API, a schedule) against the declarations.</summary>
public static class ParameterBinder
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>Every problem at once, so a user fixes them in one go; null errors means <paramref name="values"/> is set.</summary>
    public static IReadOnlyList<ParameterError> Bind(
        IReadOnlyList<ParameterDefinition> declared,
        IReadOnlyDictionary<string, string?> given,
        out ParameterValues values)
    {
        var errors = new List<ParameterError>();
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in given.Keys.Where(k => !declared.Any(d => string.Equals(d.Name, k, StringComparison.Ordinal))))
        {
            var known = declared.Count == 0 ? "it takes no parameters" : $"it takes {string.Join(", ", declared.Select(d => d.Name))}";
            errors.Add(new ParameterError(name, $"unknown parameter; {known}", "…"));
        }

        foreach (var parameter in declared)
        {
            given.TryGetValue(parameter.Name, out var raw);
            if (string.IsNullOrWhiteSpace(raw))
            {
                if (parameter.Default is null)
                {
                    errors.Add(new ParameterError(parameter.Name, $"is required: {parameter.Rule}", parameter.Example));
                    continue;
                }

                raw = parameter.Default;
            }

            var problem = Check(parameter, raw.Trim(), out var normal);
            if (problem is null)
            {
                bound[parameter.Name] = normal;
            }
            else
            {
                errors.Add(new ParameterError(parameter.Name, problem, parameter.Example));
            }
        }

        values = new ParameterValues(bound);
        return errors;
    }

    private static string? Check(ParameterDefinition parameter, string raw, out string normal)
    {
        normal = raw;
        switch (parameter.Type)
        {
            case ParameterType.Int:
                if (!TypedText.TryParse<int>(raw, out var number))
                {
                    return $"must be {TypedText.Expected<int>()}, got '{raw}'";
                }

                normal = TypedText.Format(number);
                return null;
            case ParameterType.Bool:
                if (!TypedText.TryParse<bool>(raw, out var truth))
                {
                    return $"must be {TypedText.Expected<bool>()}, got '{raw}'";
                }

                normal = TypedText.Format(truth);
                return null;
            case ParameterType.Choice:
                var match = parameter.OneOf?.FirstOrDefault(o => string.Equals(o, raw, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    return $"must be {parameter.Rule}, got '{raw}'";
                }

                normal = match;
                return null;
            default:
                return parameter.Pattern is null ? null : MatchPattern(raw, parameter.Pattern);
        }
    }

    /// <summary>
    /// A value the pattern takes too long to judge (catastrophic backtracking, crafted or not) is refused like one
    /// that does not match, with why: it is bad input, never a 500 and never a stuck request.
    /// </summary>
    private static string? MatchPattern(string raw, string pattern)
    {
        try
        {
            return System.Text.RegularExpressions.Regex.IsMatch(raw, pattern, System.Text.RegularExpressions.RegexOptions.None, PatternTimeout)
                ? null
                : $"must match {pattern}, got '{raw}'";
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return $"could not be checked against {pattern} within {PatternTimeout.TotalMilliseconds:0} ms; use a shorter, simpler value";
        }
    }
}
