using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>`opsflow runs [--workflow w] [--status s] [--limit n]`: recent runs, newest first.</summary>
internal static class RunsVerb
{
    public static async Task<int> RunAsync(CliContext context, string? workflow, RunStatus? status, int limit)
    {
        var console = context.Console;
        var query = new RunQuery { Workflow = workflow, Status = status, Take = limit };
        var page = await context.Host.Get<IRunStore>().ListRunsAsync(query, context.CancellationToken);
        if (page.Runs.Count == 0)
        {
            console.WriteLine("no runs match.");
            return OpsFlowCommandLine.Success;
        }

        var now = context.Host.Get<TimeProvider>().GetUtcNow();
        var table = new Table().AddColumn("id").AddColumn("workflow").AddColumn("status").AddColumn("requested by").AddColumn("started").AddColumn("duration");
        foreach (var run in page.Runs)
        {
            table.AddRow(
                new Text(run.Id),
                new Text(run.Workflow),
                new Markup(CliFormat.Status(run.Status)),
                new Text(run.RequestedByName),
                new Text(CliFormat.Time(run.StartedAt ?? run.CreatedAt)),
                new Text(DurationText.Between(run.StartedAt, run.EndedAt, now)));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"[grey]{page.Runs.Count} of {page.Total} run(s). Details: opsflow show <id>[/]");
        return OpsFlowCommandLine.Success;
    }
}
