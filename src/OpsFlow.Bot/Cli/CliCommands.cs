using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using OpsFlow.Engine.Model;
using OpsFlow.Scripting;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// The verbs of `opsflow`, their arguments and options, as System.CommandLine commands. Parsing, typo suggestions and
/// help are the library's; each action hands typed values to its verb through <see cref="CliSession"/>.
/// </summary>
internal static class CliCommands
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 500;

    /// <summary>
    /// The root is named `opsflow` rather than a RootCommand named after the executable, so usage lines read as people
    /// type them (the wrapper script, not OpsFlow.Bot or a test host).
    /// </summary>
    public static Command Create(CliSession session)
    {
        var root = new Command("opsflow", "OpsFlow from a terminal: validate scripts, scaffold a new one, set up an editor, test workflows, back up and restore the database, archive old runs, start and watch runs, dry-run a workflow, list and show runs, read and verify the audit log, on the server's configuration and database.");
        root.Subcommands.Add(Validate(session));
        root.Subcommands.Add(New(session));
        root.Subcommands.Add(Editor(session));
        root.Subcommands.Add(Test(session));
        root.Subcommands.Add(Run(session));
        root.Subcommands.Add(Plan(session));
        root.Subcommands.Add(Runs(session));
        root.Subcommands.Add(Show(session));
        root.Subcommands.Add(Package(session));
        root.Subcommands.Add(Backup(session));
        root.Subcommands.Add(Restore(session));
        root.Subcommands.Add(Archive(session));
        root.Subcommands.Add(Audit(session));
        CliHelp.Install(root);
        return root;
    }

    /// <summary>The verbs by name, for telling a command line from the web server's own arguments.</summary>
    public static IReadOnlySet<string> VerbNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "validate", "new", "editor", "test", "run", "plan", "runs", "show", "package", "backup", "restore", "archive", "audit", "help",
    };

    private static Command Validate(CliSession session)
    {
        var command = new Command("validate", "Load every workflow script as the server does at start; print each workflow with its version, or each problem as file:line:col.");
        command.SetAction((_, token) => session.RunAsync("validate", ValidateVerb.RunAsync, token));
        return command;
    }

    private static Command New(CliSession session)
    {
        var name = new Argument<string>("name") { Description = $"The workflow's name, typed in chat: {WorkflowTemplate.NameRule}." };
        var workflows = WorkflowsOption();
        var command = new Command("new", "Start a workflow: writes <name>.csx from a template that validates as written (a parameter, two steps, a compensation), and the editor globals; never overwrites a file.") { name, workflows };
        command.SetAction((result, token) => session.RunWithConfigurationAsync(
            context => NewVerb.RunAsync(context, result.GetRequiredValue(name), result.GetValue(workflows)),
            token));
        return command;
    }

    private static Command Test(CliSession session)
    {
        var name = new Argument<string?>("name") { Description = "Only the tests of this workflow (<name>.tests.csx); all without it.", Arity = ArgumentArity.ZeroOrOne };
        var workflows = WorkflowsOption();
        var command = new Command("test", "Run the workflows' tests (tests/*.tests.csx): each on an OpsFlow of its own with a fake clock and fake programs, URLs and nodes; exit 1 when one fails.") { name, workflows };
        command.SetAction((result, token) => session.RunWithConfigurationAsync(
            context => TestVerb.RunAsync(context, result.GetValue(name), result.GetValue(workflows)),
            token));
        return command;
    }

    private static Command Editor(CliSession session)
    {
        var workflows = WorkflowsOption();
        var command = new Command("editor", "Write .opsflow/globals.csx (and omnisharp.json) in the workflows folder, for completion and errors in VS Code; run it again after upgrading OpsFlow.") { workflows };
        command.SetAction((result, token) => session.RunWithConfigurationAsync(
            context => EditorVerb.RunAsync(context, result.GetValue(workflows)),
            token));
        return command;
    }

    private static Option<string?> WorkflowsOption() => new("--workflows")
    {
        Description = "The workflows folder; without it the one the server loads (OpsFlow:WorkflowsPath, default workflows).",
        HelpName = "folder",
    };

    private static Command Run(CliSession session)
    {
        var workflow = WorkflowArgument();
        var parameters = ParametersArgument();
        var actAs = new Option<string>("--as")
        {
            Description = "The user id the run is requested by; roles come from OpsFlow:Access as for chat.",
            HelpName = "user",
            DefaultValueFactory = _ => RunVerb.DefaultUser,
        };
        var command = new Command("run", "Start a run and watch its steps until it ends.") { workflow, parameters, actAs };
        command.SetAction((result, token) => session.RunAsync(
            "run",
            context => RunVerb.RunAsync(context, new WorkflowCall(result.GetValue(workflow), result.GetValue(parameters) ?? []), result.GetRequiredValue(actAs)),
            token));
        return command;
    }

    private static Command Plan(CliSession session)
    {
        var workflow = WorkflowArgument();
        var parameters = ParametersArgument();
        var command = new Command("plan", "Dry run: the steps that would run, in order, with branches resolved; nothing executes.") { workflow, parameters };
        command.SetAction((result, token) => session.RunAsync(
            "plan",
            context => PlanVerb.RunAsync(context, new WorkflowCall(result.GetValue(workflow), result.GetValue(parameters) ?? [])),
            token));
        return command;
    }

    private static Command Runs(CliSession session)
    {
        var workflow = new Option<string?>("--workflow") { Description = "Only runs of this workflow.", HelpName = "name" };
        var status = new Option<RunStatus?>("--status")
        {
            Description = $"Only runs in this status: {string.Join(", ", Enum.GetNames<RunStatus>())}.",
            HelpName = "status",
            CustomParser = ParseStatus,
        };
        var limit = new Option<int>("--limit")
        {
            Description = $"How many runs, 1 to {MaxLimit}.",
            HelpName = "n",
            DefaultValueFactory = _ => DefaultLimit,
            CustomParser = ParseLimit,
        };
        var command = new Command("runs", "Recent runs, newest first.") { workflow, status, limit };
        command.SetAction((result, token) => session.RunAsync(
            "runs",
            context => RunsVerb.RunAsync(context, result.GetValue(workflow), result.GetValue(status), result.GetValue(limit)),
            token));
        return command;
    }

    private static Command Show(CliSession session)
    {
        var run = new Argument<string>("run") { Description = "The run's id (opsflow runs lists them)." };
        var log = new Option<string?>("--log") { Description = "Print this step's log lines instead.", HelpName = "step" };
        var command = new Command("show", "A run with its parameters, steps and history; or one step's log.") { run, log };
        command.SetAction((result, token) => session.RunAsync(
            "show",
            context => ShowVerb.RunAsync(context, result.GetRequiredValue(run), result.GetValue(log)),
            token));
        return command;
    }

    private static Command Package(CliSession session)
    {
        var output = new Option<string>("--out")
        {
            Description = "Where to write the zip.",
            HelpName = "file",
            DefaultValueFactory = _ => PackageVerb.DefaultOut,
        };
        var manifest = new Option<string>("--manifest")
        {
            Description = "The folder of the manifest template and icons.",
            HelpName = "folder",
            DefaultValueFactory = _ => PackageVerb.DefaultManifestFolder,
        };
        var command = new Command("package", "The Teams app package (zip) for OpsFlow:Teams:AppId and OpsFlow:Teams:PublicUrl; needs no database.") { output, manifest };
        command.SetAction((result, token) => session.RunWithConfigurationAsync(
            context => PackageVerb.RunAsync(context, result.GetRequiredValue(output), result.GetRequiredValue(manifest)),
            token));
        return command;
    }

    private static Command Backup(CliSession session)
    {
        var command = new Command("backup", "Back up the OpsFlow database (SQLite or PostgreSQL) as OpsFlow:Backup says: verified, encrypted and copied when configured, then the oldest beyond Keep pruned.");
        command.SetAction((_, token) => session.RunWithConfigurationAsync(BackupVerbs.BackUpAsync, token));
        return command;
    }

    private static Command Restore(CliSession session)
    {
        var file = new Argument<string>("file") { Description = "A backup file, with its manifest (<file>.json) beside it." };
        var yes = new Option<bool>("--yes") { Description = "Do not ask: replace the database's contents." };
        var command = new Command("restore", "Replace the database's contents with a backup, with every host stopped; checked against the backup's manifest afterwards and recorded in the audit log.") { file, yes };
        command.SetAction((result, token) => session.RunWithConfigurationAsync(
            context => BackupVerbs.RestoreAsync(context, result.GetRequiredValue(file), result.GetValue(yes), session.Interactive),
            token));
        return command;
    }

    private static Command Archive(CliSession session)
    {
        var command = new Command("archive", "Run the history tiers' daily pass now (OpsFlow:Retention): months of finished runs older than HotDays to their archive files, archives older than ColdYears deleted unless Cold is Keep.");
        command.SetAction((_, token) => session.RunWithConfigurationAsync(ArchiveVerb.RunAsync, token));
        return command;
    }

    private static Command Audit(CliSession session)
    {
        var verify = new Command("verify", "Walk the whole hash chain: exit 0 when it is intact, 1 with the first entry that was altered or deleted.");
        verify.SetAction((_, token) => session.RunAsync("audit verify", AuditVerb.VerifyAsync, token));

        var from = new Option<DateTimeOffset?>("--from") { Description = "Entries at or after this time (UTC unless it says otherwise).", HelpName = "time", CustomParser = r => ParseTime(r, "--from") };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Entries before this time.", HelpName = "time", CustomParser = r => ParseTime(r, "--to") };
        var actor = new Option<string?>("--actor") { Description = "Only this person: their name or any of their ids (user id, object id, UPN).", HelpName = "who" };
        var action = new Option<string?>("--action") { Description = "Only this action: start, approve, reject, cancel, sign-in…", HelpName = "action" };
        var format = new Option<AuditListFormat>("--format")
        {
            // Without the option the value is the enum's first, Table; a default value factory would show it in help as "Table".
            Description = "table (the default: the newest first), jsonl or csv (every matching entry, oldest first: a copy to keep).",
            HelpName = "format",
            CustomParser = ParseFormat,
        };
        var limit = new Option<int?>("--limit")
        {
            Description = $"How many entries, 1 to {MaxLimit} (a table shows {DefaultLimit} unless told; an export all).",
            HelpName = "n",
            CustomParser = result => ParseLimit(result),
        };
        var list = new Command("list", "Audit log entries, filtered by time, actor and action.") { from, to, actor, action, format, limit };
        list.Validators.Add(result =>
        {
            // Read from the tokens: an option whose own parse failed throws when asked for its value.
            if (TimeOf(result.GetResult(from)) is { } start && TimeOf(result.GetResult(to)) is { } end && start >= end)
            {
                result.AddError("--from must be before --to");
            }
        });
        list.SetAction((result, token) => session.RunAsync(
            "audit list",
            context => AuditVerb.ListAsync(context, new AuditListOptions(
                result.GetValue(from), result.GetValue(to), result.GetValue(actor), result.GetValue(action), result.GetValue(format), result.GetValue(limit))),
            token));

        return new Command("audit", "The audit log of security-relevant actions (docs/security.md): list entries, or verify the chain.") { verify, list };
    }

    private static Argument<string?> WorkflowArgument() => new("workflow")
    {
        Description = "The workflow's name; without it the workflows are listed.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static Argument<string[]> ParametersArgument()
    {
        var parameters = new Argument<string[]>("parameters")
        {
            Description = "Its parameters as in chat: positional in declaration order, or name=value; quote a value with spaces.",
            Arity = ArgumentArity.ZeroOrMore,
        };

        // An unknown option would otherwise be taken for a parameter value and fail later with a puzzling message.
        parameters.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith("--", StringComparison.Ordinal)))
            {
                result.AddError($"unknown option {token.Value}: parameters are written name=value (or positionally), e.g. {token.Value[2..].Split('=')[0]}=…");
            }
        });
        return parameters;
    }

    private static RunStatus? ParseStatus(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        // Enum.TryParse also takes numbers ("--status 3"), which nobody means.
        if (Enum.TryParse<RunStatus>(text, ignoreCase: true, out var status) && !int.TryParse(text, CultureInfo.InvariantCulture, out _))
        {
            return status;
        }

        result.AddError($"--status must be one of {string.Join(", ", Enum.GetNames<RunStatus>())}, got '{text}'");
        return null;
    }

    private static DateTimeOffset? ParseTime(ArgumentResult result, string option)
    {
        var text = result.Tokens.Single().Value;
        if (TryTime(text, out var time))
        {
            return time;
        }

        result.AddError($"{option} must be a date or a date and time such as 2026-11-01 or 2026-11-01T08:00:00Z, got '{text}'");
        return null;
    }

    private static DateTimeOffset? TimeOf(OptionResult? option) =>
        option is { Tokens: [var token] } && TryTime(token.Value, out var time) ? time : null;

    private static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static AuditListFormat ParseFormat(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        switch (text.ToLowerInvariant())
        {
            case "table":
                return AuditListFormat.Table;
            case "jsonl":
                return AuditListFormat.JsonLines;
            case "csv":
                return AuditListFormat.Csv;
            default:
                result.AddError($"--format must be table, jsonl or csv, got '{text}'");
                return AuditListFormat.Table;
        }
    }

    private static int ParseLimit(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (int.TryParse(text, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }

        result.AddError($"--limit must be a whole number from 1 to {MaxLimit}, got '{text}'");
        return DefaultLimit;
    }
}

/// <summary>The workflow a `run` or `plan` names and the arguments after it, still as typed.</summary>
internal sealed record WorkflowCall(string? Workflow, IReadOnlyList<string> Arguments);
