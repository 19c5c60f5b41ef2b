using System.Globalization;

namespace OpsFlow.Engine.Definitions;

/// <summary>
/// Who may start a workflow (issue 19): <see cref="Who"/> are approver-style names ("role:ops-manager", a UPN, an
/// object id, a user id); <see cref="When"/>, if set, limits the rule to starts whose parameters meet it
/// ("env = prod", "keep < 3"). A start must satisfy every rule that applies to its parameters, so rules only narrow
/// who may start (the operator role is always needed).
/// </summary>
public sealed record StartRule(IReadOnlyList<string> Who, string? When = null)
{
    public SourceLocation? Source { get; init; }

    /// <summary>How the rule reads in /help and on the workflows page.</summary>
    public override string ToString() =>
        (When is null ? "" : $"when {When}: ") + "only " + string.Join(", ", Who) + (Source is null ? "" : $" ({Source})");
}

/// <summary>
/// The condition of a <see cref="StartRule"/>: one parameter compared with one value. Kept this small on purpose:
/// it is shown to people as written, checked when the script loads, and decided without running the script.
/// </summary>
public sealed record StartCondition(string Parameter, string Operator, string Value)
{
    private static readonly string[] Operators = ["!=", "<=", ">=", "=", "<", ">"];

    public override string ToString() => $"{Parameter} {Operator} {Value}";

    /// <summary>Reads "env=prod", "env != dev", "keep<3"; null and a message saying what is wrong otherwise.</summary>
    public static StartCondition? Parse(string text, out string? problem)
    {
        problem = null;
        foreach (var op in Operators)
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0)
            {
                continue;
            }

            var parameter = text[..at].Trim();
            var value = text[(at + op.Length)..].Trim();
            if (parameter.Length == 0 || value.Length == 0)
            {
                break;
            }

            if (op is "<" or "<=" or ">" or ">=" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                problem = $"'{text}' compares with '{op}', which needs a number, not '{value}'";
                return null;
            }

            return new StartCondition(parameter, op, value);
        }

        problem = $"'{text}' is not a condition: write parameter, operator (=, !=, <, <=, >, >=) and value, e.g. \"env=prod\" or \"keep<3\"";
        return null;
    }

    /// <summary>True when the bound parameter values meet the condition; a missing or non-numeric value never meets a comparison.</summary>
    public bool Holds(IReadOnlyDictionary<string, string> values)
    {
        if (!values.TryGetValue(Parameter, out var actual))
        {
            return false;
        }

        if (Operator is "=" or "!=")
        {
            var same = string.Equals(actual, Value, StringComparison.OrdinalIgnoreCase);
            return Operator == "=" ? same : !same;
        }

        if (!double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var limit = double.Parse(Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return Operator switch
        {
            "<" => number < limit,
            "<=" => number <= limit,
            ">" => number > limit,
            _ => number >= limit,
        };
    }
}
