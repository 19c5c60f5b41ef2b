using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>
/// One of each reply card the chat commands send, filled the way the commands fill them, for card checks (the
/// official adaptivecards validator takes the same list).
/// </summary>
public static class ReplyCardSamples
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Names => new(All().Select(s => s.Name));

    public static AdaptiveCard Get(string name) => All().Single(s => s.Name == name).Card;

    public static IReadOnlyList<(string Name, AdaptiveCard Card)> All()
    {
        var catalog = new InMemoryWorkflowCatalog();
        Workflows.AddTo(catalog, () => false);
        var deploy = catalog.Find("deploy")!;
        var errors = ParameterBinder.Bind(deploy.Parameters, new Dictionary<string, string?> { ["app"] = "Web App", ["env"] = "qa" }, out _);
        var values = new ParameterValues(new Dictionary<string, string> { ["app"] = "web-app", ["version"] = "v1.2", ["env"] = "prod" });
        var definition = catalog.MaterializeAsync("deploy", null, values).AsTask().GetAwaiter().GetResult();
        var commands = new[] { new CommandHelp("/runs [workflow] [status]", "the 10 most recent runs"), new CommandHelp("/help [workflow]", "this list") };
        return
        [
            ("help", HelpCards.Overview(catalog.List(), commands)),
            ("help-unknown", HelpCards.Overview(catalog.List(), commands, "Unknown command '/deploi'.")),
            ("help-empty", HelpCards.Overview([], commands)),
            ("help-workflow", HelpCards.Workflow(deploy)),
            ("help-workflow-bare", HelpCards.Workflow(catalog.Find("gated")!)),
            ("help-workflow-scheduled", HelpCards.Workflow(deploy, [Schedule("s-1", null), Schedule("s-2", "deploy.csx")])),
            ("usage", UsageCard.Build(deploy, errors)),
            ("usage-plan", UsageCard.Build(deploy, errors, "plan ")),
            ("runs", RunListCard.Build([Run("run-2", RunStatus.Failed, "disk full"), Run("run-1", RunStatus.Succeeded, null)], 12, "deploy", Now, "https://opsflow.example")),
            ("runs-empty", RunListCard.Build([], 0, null, Now, null)),
            ("schedules", ScheduleCards.List([Schedule("s-1", null), Schedule("s-2", "deploy.csx")])),
            ("schedules-empty", ScheduleCards.List([])),
            ("schedule-added", ScheduleCards.Added(Schedule("s-3", null))),
            ("report-week", ReportCard.Build(Report(null))),
            ("report-month", ReportCard.Build(Report("OpsFlow monthly report: November 2026\n\nTotals\n  Runs: 4"))),
            ("report-empty", ReportCard.Build(new ReportData("last 7 days", new ReportRange(Now.AddDays(-7), Now), new RunSummary(0, 0, 0, 0, 0, 0, 0, 0), [], [], [], null))),
            ("plan", PlanCard.Build(definition, values, RunPlanner.Plan(definition, values))),
        ];
    }

    private static RunRecord Run(string id, RunStatus status, string? error) => new()
    {
        Id = id,
        Workflow = "deploy",
        Status = status,
        Parameters = new Dictionary<string, string> { ["app"] = "web-app" },
        RequestedById = "user-id-0",
        RequestedByName = "Alex Wilber",
        Trigger = "chat",
        CreatedAt = Now.AddMinutes(-42),
        Error = error,
    };

    private static RunSchedule Schedule(string id, string? declaredIn) => new(
        id, "deploy", "0 6 * * *", "Europe/Berlin", new Dictionary<string, string?> { ["app"] = "web-app", ["note"] = "with spaces" },
        "conv-1", "user-id-0", declaredIn, Now.AddHours(21), null);

    private static ReportData Report(string? monthly) => new(
        monthly is null ? "last 7 days" : "2026-11",
        new ReportRange(Now.AddDays(-7), Now),
        new RunSummary(4, 3, 1, 0, 0, 0.75, 65_000, 42_000),
        [new StepDuration("deploy", "release", 3, 40_000, 55_000, 120_000) { AverageCpuMs = 12_500, TotalCpuMs = 37_500 }],
        [new FailureCause("flaky", "work", "disk full", 1, Now.AddHours(-3), "run-9")],
        [new WorkflowUsage("deploy", 3, 3, 1, 65_000, Now.AddHours(-1), "run-8", RunStatus.Succeeded)],
        monthly);
}
