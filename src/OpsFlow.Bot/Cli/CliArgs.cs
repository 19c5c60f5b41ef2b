namespace OpsFlow.Bot.Cli;

/// <summary>
/// A verb's own arguments: positionals in order and <c>--name value</c> (or <c>--name=value</c>) options. Configuration
/// overrides (<c>--OpsFlow:…</c>, any key with a ':') are taken out before, for the host's configuration.
/// </summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string> _options;

    private CliArgs(IReadOnlyList<string> positionals, Dictionary<string, string> options, bool help)
    {
        Positionals = positionals;
        _options = options;
        Help = help;
    }

    public IReadOnlyList<string> Positionals { get; }

    public bool Help { get; }

    /// <summary>Splits <paramref name="args"/> (the verb excluded) into configuration overrides and the verb's arguments.</summary>
    public static (IReadOnlyList<string> Configuration, IReadOnlyList<string> Verb) SplitConfiguration(IReadOnlyList<string> args)
    {
        var configuration = new List<string>();
        var verb = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var key = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..].Split('=', 2)[0] : string.Empty;
            if (!key.Contains(':', StringComparison.Ordinal))
            {
                verb.Add(arg);
                continue;
            }

            configuration.Add(arg);
            if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
            {
                configuration.Add(args[++i]);
            }
        }

        return (configuration, verb);
    }

    /// <summary>Parses the verb's arguments; an option it does not know is an error, so a typo never goes unseen.</summary>
    public static CliArgs Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> knownOptions, out string? error)
    {
        error = null;
        var positionals = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positionals.Add(arg);
                continue;
            }

            var parts = arg[2..].Split('=', 2);
            var name = parts[0];
            if (!knownOptions.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                error ??= knownOptions.Count == 0
                    ? $"unknown option --{name}: this verb takes none"
                    : $"unknown option --{name}: this verb takes {string.Join(", ", knownOptions.Select(o => "--" + o))}";
                continue;
            }

            if (parts.Length == 2)
            {
                options[name] = parts[1];
            }
            else if (i + 1 < args.Count)
            {
                options[name] = args[++i];
            }
            else
            {
                error ??= $"option --{name} needs a value";
            }
        }

        return new CliArgs(positionals, options, help);
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);
}
