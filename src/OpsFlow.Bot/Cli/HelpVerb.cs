using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>`opsflow help`: every verb with its arguments.</summary>
internal static class HelpVerb
{
    private static readonly (string Usage, string Does)[] Lines =
    [
        ("validate", "load every workflow script; print each workflow with its version, or each problem as file:line:col"),
        ("run <workflow> [args…] [--as <user>]", "start a run and watch its steps until it ends (args: positional in declaration order, or name=value)"),
        ("plan <workflow> [args…]", "dry run: the steps that would run, in order, with branches resolved; nothing executes"),
        ("runs [--workflow <w>] [--status <s>] [--limit <n>]", "recent runs, newest first"),
        ("show <run> [--log <step>]", "a run with its parameters, steps and history; --log prints one step's log"),
        ("package [--out <file>] [--manifest <folder>]", "the Teams app package (zip) for OpsFlow:Teams:AppId and OpsFlow:Teams:PublicUrl; default out artifacts/opsflow-teams.zip"),
        ("help", "this text"),
    ];

    public static void Write(IAnsiConsole console)
    {
        console.MarkupLine("[bold]usage:[/] opsflow <verb> [[arguments]] [[--OpsFlow:Key=value …]]");
        console.WriteLine();
        var table = new Table().NoBorder().HideHeaders().AddColumn("verb").AddColumn("does");
        foreach (var (usage, does) in Lines)
        {
            table.AddRow(new Text("opsflow " + usage), new Text(does));
        }

        console.Write(table);
        console.WriteLine();
        console.WriteLine("Configuration comes from appsettings.json, environment variables (OpsFlow__Section__Key) and --Section:Key=value overrides, as for the server.");
        console.WriteLine("Exit codes: 0 success, 1 failure (a run that did not succeed, a script with problems), 2 bad usage or parameters.");
        console.WriteLine("Without a verb the host starts the web server.");
    }
}
