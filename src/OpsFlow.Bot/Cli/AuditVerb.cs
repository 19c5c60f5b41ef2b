using System.Text.Json;
using OpsFlow.Bot.Api;
using OpsFlow.Engine.Ports;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>How `opsflow audit list` writes what it finds.</summary>
internal enum AuditListFormat
{
    Table,
    JsonLines,
    Csv,
}

/// <summary>The filters and output of `opsflow audit list`, as parsed; <see cref="Limit"/> null when not given.</summary>
internal sealed record AuditListOptions(DateTimeOffset? From, DateTimeOffset? To, string? Actor, string? Action, AuditListFormat Format, int? Limit);

/// <summary>
/// `opsflow audit verify|list`: the audit log read straight from the database, as the server's admins read it over
/// HTTP. Whoever can run this can read the database anyway, so it asks for no role.
/// </summary>
internal static class AuditVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> VerifyAsync(CliContext context)
    {
        var verification = await context.Host.Get<IAuditLog>().VerifyAsync(context.CancellationToken);
        if (verification.Intact)
        {
            context.Console.MarkupLineInterpolated($"[green]intact: {verification.Checked} entries[/]");
            return OpsFlowCommandLine.Success;
        }

        context.Console.MarkupLineInterpolated($"[red]the chain breaks at entry {verification.BrokenAt}: {verification.Problem}[/]");
        context.Console.MarkupLineInterpolated($"[grey]{verification.Checked} entries in the log. Compare with an export kept elsewhere: opsflow audit list --format jsonl[/]");
        return OpsFlowCommandLine.Failure;
    }

    /// <summary>A table shows the newest entries first, as a person looks for what just happened; an export keeps the log's order.</summary>
    public static async Task<int> ListAsync(CliContext context, AuditListOptions options)
    {
        var log = context.Host.Get<IAuditLog>();
        var query = new AuditQuery(options.From, options.To, options.Actor, options.Action, NewestFirst: options.Format == AuditListFormat.Table);
        if (options.Format != AuditListFormat.Table)
        {
            var format = options.Format == AuditListFormat.Csv ? AuditFormat.Csv : AuditFormat.JsonLines;
            await AuditExport.WriteAsync(context.Console.Profile.Out.Writer, log, query, options.Limit, format, Json, context.CancellationToken);
            return OpsFlowCommandLine.Success;
        }

        var entries = await log.QueryAsync(query with { Limit = options.Limit ?? CliCommands.DefaultLimit }, context.CancellationToken);
        if (entries.Count == 0)
        {
            context.Console.WriteLine("no audit entries match.");
            return OpsFlowCommandLine.Success;
        }

        var table = new Table().AddColumn("seq").AddColumn("when").AddColumn("action").AddColumn("outcome").AddColumn("who").AddColumn("via").AddColumn("target").AddColumn("detail");
        foreach (var entry in entries)
        {
            var e = entry.Event;
            var ids = string.Join(" ", e.ActorIds.Where(id => !string.Equals(id, e.ActorName, StringComparison.Ordinal)));
            table.AddRow(
                new Text(entry.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(CliFormat.Time(e.At)),
                new Text(e.Action),
                new Text(e.Outcome.ToString(), new Style(Outcome(e.Outcome))),
                new Text(ids.Length == 0 ? e.ActorName : $"{e.ActorName} ({ids})"),
                new Text(e.Via),
                new Text(e.Target),
                new Text(e.Detail));
        }

        context.Console.Write(table);
        context.Console.MarkupLineInterpolated($"[grey]{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}, newest first. Check the chain: opsflow audit verify[/]");
        return OpsFlowCommandLine.Success;
    }

    private static Color Outcome(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Done => Color.Green,
        AuditOutcome.Forbidden => Color.Red,
        _ => Color.DarkOrange,
    };
}
