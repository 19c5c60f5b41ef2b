using System.Text;

namespace OpsFlow.Engine.Definitions;

/// <summary>Raw parameter text taken apart: the values by name, and what could not be placed.</summary>
public sealed record ParsedArguments(IReadOnlyDictionary<string, string?> Values, IReadOnlyList<ParameterError> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// How people give parameters, in chat and on the command line (docs/product.md §2): positional in the order the
/// workflow declares them, or name=value, mixed freely; quoted values keep their spaces. Only placement is
/// checked here; <see cref="ParameterBinder"/> checks the values.
/// </summary>
public static class ParameterArguments
{
    /// <summary>
    /// Splits chat text into arguments at white space, keeping a quoted part ("…", '…', or the curly quotes chat
    /// clients put in) in one argument without its quotes, so <c>reason="disk full"</c> is one argument. A quote
    /// opens only at the start of an argument or right after its '=', so the apostrophe in <c>it's</c> stays text.
    /// </summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        char? closing = null;
        foreach (var c in text)
        {
            if (closing is { } close)
            {
                if (c == close)
                {
                    closing = null;
                }
                else
                {
                    current.Append(c);
                }

                continue;
            }

            if (ClosingQuote(c) is { } quote && (!inToken || (current.Length > 0 && current[^1] == '=')))
            {
                closing = quote;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }

        // An unclosed quote runs to the end of the text: the person meant the rest as one value.
        if (inToken)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    /// <summary>
    /// Places each argument: <c>name=value</c> by name (a name the workflow does not declare is kept, so the binder
    /// reports it as unknown), anything else on the next declared parameter not given by name. A value that holds
    /// '=' itself is given by name: <c>filter=a=b</c>.
    /// </summary>
    public static ParsedArguments Parse(IReadOnlyList<ParameterDefinition> declared, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentNullException.ThrowIfNull(arguments);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var errors = new List<ParameterError>();
        var positional = new List<string>();
        foreach (var argument in arguments)
        {
            if (TrySplitNamed(argument, out var name, out var value))
            {
                if (!values.TryAdd(name, value))
                {
                    errors.Add(new ParameterError(name, "is given twice", Example(declared, name)));
                }
            }
            else
            {
                positional.Add(argument);
            }
        }

        var open = new Queue<ParameterDefinition>(declared.Where(d => !values.ContainsKey(d.Name)));
        foreach (var value in positional)
        {
            if (open.TryDequeue(out var parameter))
            {
                values[parameter.Name] = value;
            }
            else
            {
                var takes = declared.Count == 0 ? "the workflow takes no parameters" : $"every parameter ({string.Join(", ", declared.Select(d => d.Name))}) has a value already";
                errors.Add(new ParameterError(value, $"is one argument too many: {takes}; quote a value that holds spaces", "…"));
            }
        }

        return new ParsedArguments(values, errors);
    }

    /// <summary>The usage line of a workflow: required parameters in angle brackets, optional ones with their default.</summary>
    public static string Usage(WorkflowDescriptor workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var parts = workflow.Parameters.Select(p => p.Required ? $"<{p.Name}>" : $"[{p.Name}={p.Default}]");
        return string.Join(' ', new[] { workflow.Name }.Concat(parts));
    }

    private static bool TrySplitNamed(string argument, out string name, out string value)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        name = equals > 0 ? argument[..equals] : string.Empty;
        value = equals > 0 ? argument[(equals + 1)..] : string.Empty;
        return equals > 0 && IsParameterName(name);
    }

    /// <summary>The names scripts may declare: a lower-case letter, then lower-case letters, digits, '-' or '_'.</summary>
    private static bool IsParameterName(string name) =>
        name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    private static string Example(IReadOnlyList<ParameterDefinition> declared, string name) =>
        declared.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal))?.Example ?? "…";

    private static char? ClosingQuote(char c) => c switch
    {
        '"' => '"',
        '\'' => '\'',
        '\u201C' => '\u201D',
        '\u2018' => '\u2019',
        _ => null,
    };
}
