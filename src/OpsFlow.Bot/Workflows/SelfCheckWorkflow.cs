using System.Globalization;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Workflows;

/// <summary>
/// A built-in workflow that checks OpsFlow's own footing: the database answers and the data disk has room.
/// Two checks run in parallel and a report step joins them. Script workflows (workflows/*.csx) come next.
/// </summary>
internal static class SelfCheckWorkflow
{
    public static WorkflowDefinition Build(IRunStore store, string dataFolder)
    {
        var workflow = new WorkflowBuilder("selfcheck", "Check that OpsFlow's database answers and its disk has room")
            .Parameter(new ParameterDefinition("min-free-mb", ParameterType.Int)
            {
                Default = "500",
                Description = "Fail when the data disk has less free space than this, in MiB",
            });

        var database = workflow.Step("database", async ctx =>
        {
            var page = await store.ListRunsAsync(new RunQuery { Take = 1 }, ctx.CancellationToken);
            ctx.SetOutput("runs", page.Total.ToString(CultureInfo.InvariantCulture));
            ctx.Log($"database answers; it holds {page.Total} run(s)");
        });

        var disk = workflow.Step("disk", ctx =>
        {
            var folder = Path.GetFullPath(dataFolder);
            var drive = new DriveInfo(Path.GetPathRoot(folder) ?? "/");
            var freeMb = drive.AvailableFreeSpace / (1024 * 1024);
            ctx.SetOutput("free-mb", freeMb.ToString(CultureInfo.InvariantCulture));
            var minimum = ctx.Parameters.GetInt("min-free-mb");
            if (freeMb < minimum)
            {
                throw new InvalidOperationException($"only {freeMb} MiB free on {drive.Name}; at least {minimum} MiB needed");
            }

            ctx.Log($"{freeMb} MiB free on {drive.Name} (minimum {minimum} MiB)");
        });

        workflow.Step("report", ctx => ctx.Log(
                $"OpsFlow is healthy: {ctx.Output("database", "runs")} run(s) on record, {ctx.Output("disk", "free-mb")} MiB free"))
            .After(database, disk);

        return workflow.Build();
    }
}
