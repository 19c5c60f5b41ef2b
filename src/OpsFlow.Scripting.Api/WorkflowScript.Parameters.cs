using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

public sealed partial class WorkflowScript
{
    private readonly List<ParameterDefinition> _parameters = [];

    /// <summary>
    /// Declares a parameter and returns its value for this run. <typeparamref name="T"/> is string, int or bool.
    /// Without <paramref name="defaultValue"/> the parameter is required. <paramref name="oneOf"/> and
    /// <paramref name="pattern"/> apply to strings. Values are validated before anything runs; chat users give
    /// them in declaration order or as name=value.
    /// </summary>
    public T Param<T>(
        string name,
        string? description = null,
        object? defaultValue = null,
        string? pattern = null,
        IReadOnlyList<string>? oneOf = null,
        string? example = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
    {
        var problemsBefore = _problems.Count;
        void Bad(string message) => Problem(file, line, $"parameter '{name}': {message}");

        var type = typeof(T) == typeof(string) ? (oneOf is null ? ParameterType.String : ParameterType.Choice)
            : typeof(T) == typeof(int) ? ParameterType.Int
            : typeof(T) == typeof(bool) ? ParameterType.Bool
            : (ParameterType?)null;
        if (type is null)
        {
            Bad($"type {typeof(T).Name} is not supported; use Param<string>, Param<int> or Param<bool>.");
        }

        if (string.IsNullOrWhiteSpace(name) || !ParameterNamePattern().IsMatch(name))
        {
            Bad("the name must start with a lower-case letter and hold only lower-case letters, digits, '-' and '_' (people type name=value in chat).");
        }
        else if (_parameters.Exists(p => string.Equals(p.Name, name, StringComparison.Ordinal)))
        {
            Bad("is declared twice.");
        }

        if (oneOf is not null && typeof(T) != typeof(string))
        {
            Bad("oneOf needs Param<string>.");
        }
        else if (oneOf is { Count: 0 })
        {
            Bad("oneOf lists no values.");
        }

        if (pattern is not null)
        {
            if (typeof(T) != typeof(string) || oneOf is not null)
            {
                Bad("pattern applies to a plain Param<string> (not with oneOf).");
            }
            else if (!IsValidPattern(pattern, out var why))
            {
                Bad($"pattern '{pattern}' is not a valid regular expression: {why}");
            }
        }

        var defaultText = DefaultText<T>(defaultValue, Bad);
        if (_problems.Count > problemsBefore || type is null)
        {
            return Placeholder<T>(name, defaultText, oneOf, example);
        }

        var definition = new ParameterDefinition(name, type.Value)
        {
            Description = description,
            Default = defaultText,
            Pattern = pattern,
            OneOf = oneOf?.ToArray(),
        };
        if (example is not null)
        {
            definition = definition with { Example = example };
        }

        if (defaultText is not null)
        {
            var errors = ParameterBinder.Bind([definition], new Dictionary<string, string?>(), out _);
            foreach (var error in errors)
            {
                Bad($"the default {error.Problem}");
            }

            if (errors.Count > 0)
            {
                return Placeholder<T>(name, null, oneOf, example);
            }
        }

        _parameters.Add(definition);
        Builder.Parameter(definition);
        return _mode == ScriptMode.Materialize && _values.Values.TryGetValue(name, out var value)
            ? Convert<T>(value)
            : Placeholder<T>(name, defaultText, oneOf, example);
    }

    private static string? DefaultText<T>(object? value, Action<string> bad)
    {
        switch (value)
        {
            case null:
                return null;
            case T and string text:
                return text;
            case T and int number:
                return number.ToString(CultureInfo.InvariantCulture);
            case T and bool flag:
                return flag ? "true" : "false";
            default:
                bad($"the default {value} is a {value.GetType().Name}, but the parameter is Param<{typeof(T).Name}>.");
                return null;
        }
    }

    /// <summary>What a parameter returns while the script is only described: a value that satisfies its rules.</summary>
    private static T Placeholder<T>(string name, string? defaultText, IReadOnlyList<string>? oneOf, string? example)
    {
        var text = defaultText ?? (oneOf is { Count: > 0 } ? oneOf[0] : null) ?? example;
        if (typeof(T) == typeof(int))
        {
            return (T)(object)(int.TryParse(text, CultureInfo.InvariantCulture, out var number) ? number : 0);
        }

        if (typeof(T) == typeof(bool))
        {
            return (T)(object)(bool.TryParse(text, out var flag) && flag);
        }

        return typeof(T) == typeof(string) ? (T)(object)(text ?? name) : default!;
    }

    private static T Convert<T>(string value) =>
        typeof(T) == typeof(int) ? (T)(object)int.Parse(value, CultureInfo.InvariantCulture)
        : typeof(T) == typeof(bool) ? (T)(object)bool.Parse(value)
        : (T)(object)value;

    private static bool IsValidPattern(string pattern, out string why)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(200));
            why = "";
            return true;
        }
        catch (ArgumentException ex)
        {
            why = ex.Message;
            return false;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,39}$")]
    private static partial Regex ParameterNamePattern();
}
