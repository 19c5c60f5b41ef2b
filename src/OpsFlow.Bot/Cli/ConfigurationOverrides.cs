namespace OpsFlow.Bot.Cli;

/// <summary>
/// <c>--Section:Key=value</c> (or <c>--Section:Key value</c>) arguments are configuration for the host, as for the web
/// server, not options of a verb: any option name with a ':' is one. They are taken out before the verb is parsed, so
/// they may stand anywhere on the line and no verb has to declare them.
/// </summary>
internal static class ConfigurationOverrides
{
    public static (IReadOnlyList<string> Configuration, IReadOnlyList<string> Verb) Split(IReadOnlyList<string> args)
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
}
