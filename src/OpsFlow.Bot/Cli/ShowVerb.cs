using System.Globalization;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>`opsflow show &lt;run&gt; [--log &lt;step&gt;]`: a run, its steps and its history; or one step's log.</summary>
internal static class ShowVerb
{
    public static async Task<int> RunAsync(CliContext context, string runId, string? logOfStep)
    {
        var console = context.Console;
        var store = context.Host.Get<IRunStore>();
        var token = context.CancellationToken;
        var run = await store.GetRunAsync(runId, token);
        if (run is null)
        {
            console.MarkupLineInterpolated($"[red]there is no run '{runId}'. List recent runs with: opsflow runs[/]");
            return OpsFlowCommandLine.Failure;
        }

        var steps = await store.GetStepsAsync(run.Id, token);
        if (logOfStep is { } stepName)
        {
            if (!steps.Any(s => string.Equals(s.Name, stepName, StringComparison.Ordinal)))
            {
                console.MarkupLineInterpolated($"[red]run {run.Id} has no step '{stepName}'; its steps: {string.Join(", ", steps.Select(s => s.Name))}[/]");
                return OpsFlowCommandLine.Failure;
            }

            var lines = await store.GetStepLogAsync(run.Id, stepName, token);
            console.MarkupLineInterpolated($"[bold]log of {stepName}[/] in run {run.Id} ({lines.Count} line(s))");
            foreach (var line in lines)
            {
                var colour = line.Level switch { "error" => "red", "warning" => "yellow", _ => "default" };
                console.MarkupLineInterpolated($"[grey]{CliFormat.Time(line.At)} #{line.Attempt}[/] [{colour}]{line.Text}[/]");
            }

            return OpsFlowCommandLine.Success;
        }

        var now = context.Host.Get<TimeProvider>().GetUtcNow();
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow(new Text("run"), new Text(run.Id));
        summary.AddRow(new Text("workflow"), new Text($"{run.Workflow} (version {CliFormat.ShortHash(run.WorkflowVersion)})"));
        summary.AddRow(new Text("status"), new Markup(CliFormat.Status(run.Status, steps)));
        summary.AddRow(new Text("requested by"), new Text($"{run.RequestedByName} via {run.Trigger}"));
        summary.AddRow(new Text("parameters"), new Text(run.Parameters.Count == 0 ? "-" : string.Join(' ', run.Parameters.Select(p => $"{p.Key}={p.Value}"))));
        summary.AddRow(new Text("created"), new Text(CliFormat.Time(run.CreatedAt)));
        summary.AddRow(new Text("started"), new Text(CliFormat.Time(run.StartedAt)));
        summary.AddRow(new Text("ended"), new Text(CliFormat.Time(run.EndedAt)));
        summary.AddRow(new Text("duration"), new Text(DurationText.Between(run.StartedAt, run.EndedAt, now)));
        if (run.Error is not null)
        {
            summary.AddRow(new Text("error"), new Text(run.Error, new Style(Color.Red)));
        }

        if (run.ArchivedIn is not null)
        {
            summary.AddRow(new Text("archived"), new Text($"yes, read from {run.ArchivedIn} (docs/retention.md)"));
        }

        console.Write(summary);
        console.WriteLine();

        var stepTable = new Table().Title("steps").AddColumn("step").AddColumn("status").AddColumn("attempt").AddColumn("duration").AddColumn("cpu · peak memory").AddColumn("error");
        foreach (var step in steps.OrderBy(s => s.Position))
        {
            stepTable.AddRow(
                new Text(step.Name),
                new Markup(CliFormat.Status(step.Status)),
                new Text(step.Attempt.ToString(CultureInfo.InvariantCulture)),
                new Text(DurationText.Between(step.StartedAt, step.EndedAt, now)),
                new Text(CliFormat.ProcessUse(step)),
                new Text(step.Error ?? string.Empty));
        }

        console.Write(stepTable);
        foreach (var failed in steps.Where(s => s.ErrorDetail is not null).OrderBy(s => s.Position))
        {
            // Where the script threw: the exception with its script frames (file and line), which cards leave out.
            console.MarkupLineInterpolated($"[red]{failed.Name}[/] [grey]exception:[/]");
            console.WriteLine(failed.ErrorDetail!);
        }
        var findings = RunFindings.Of(steps);
        if (findings.Count > 0)
        {
            var findingTable = new Table().Title("findings").AddColumn("level").AddColumn("step").AddColumn("finding");
            foreach (var finding in findings)
            {
                var colour = finding.Level switch { FindingLevel.Critical => "red", FindingLevel.Warning => "orange3", _ => "green" };
                findingTable.AddRow(new Markup($"[{colour}]{finding.Level.ToString().ToLowerInvariant()}[/]"), new Text(finding.Step), new Text(finding.Text));
            }

            console.Write(findingTable);
        }

        var history = await store.GetHistoryAsync(run.Id, token);
        var historyTable = new Table().Title("history").AddColumn("#").AddColumn("at").AddColumn("actor").AddColumn("what").AddColumn("reason");
        foreach (var entry in history)
        {
            var subject = entry.Step is null ? "run" : $"step {entry.Step}";
            var what = entry.To is null ? subject : $"{subject}: {entry.From ?? "-"} → {entry.To}";
            historyTable.AddRow(
                new Text(entry.Seq.ToString(CultureInfo.InvariantCulture)),
                new Text(CliFormat.Time(entry.At)),
                new Text(entry.Actor),
                new Text(what),
                new Text(entry.Reason));
        }

        console.Write(historyTable);
        console.MarkupLineInterpolated($"[grey]a step's log: opsflow show {run.Id} --log <step>[/]");
        return OpsFlowCommandLine.Success;
    }
}
