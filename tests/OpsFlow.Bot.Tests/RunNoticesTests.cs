using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Notifications;

namespace OpsFlow.Bot.Tests;

/// <summary>Which events of a run are notices, at which level: what the severity routes route.</summary>
public sealed class RunNoticesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static RunRecord Run(RunStatus status, string trigger = "chat") => new()
    {
        Id = "r1",
        Workflow = "deploy",
        Status = status,
        Parameters = new Dictionary<string, string> { ["env"] = "prod" },
        RequestedById = "alice",
        RequestedByName = "Alice",
        Trigger = trigger,
        CreatedAt = T0,
        EndedAt = StateMachine.IsTerminal(status) ? T0 : null,
    };

    private static StepRecord Step(string name, StepStatus status, string? error = null) =>
        new() { RunId = "r1", Name = name, Status = status, Error = error, EndedAt = T0, StartedAt = T0 };

    [Fact]
    public void EachEvent_HasItsLevel()
    {
        Assert.Equal([NoticeLevel.Warning], RunNotices.For(Run(RunStatus.WaitingForApproval), [Step("gate", StepStatus.Waiting)], T0).Select(n => n.Level));
        Assert.Equal([NoticeLevel.Error], RunNotices.For(Run(RunStatus.Failed), [Step("build", StepStatus.Failed, "exit 2")], T0).Select(n => n.Level));
        Assert.Equal([NoticeLevel.Error, NoticeLevel.Error], RunNotices.For(Run(RunStatus.RolledBack), [Step("build", StepStatus.Failed, "exit 2"), Step("stop", StepStatus.Compensated)], T0).Select(n => n.Level));
        Assert.Equal([NoticeLevel.Error, NoticeLevel.Critical], RunNotices.For(Run(RunStatus.Failed), [Step("build", StepStatus.Failed, "exit 2"), Step("stop", StepStatus.CompensationFailed, "systemctl exited 1")], T0).Select(n => n.Level));
        Assert.Equal([NoticeLevel.Info], RunNotices.For(Run(RunStatus.Succeeded, "schedule:daily"), [Step("disk", StepStatus.Succeeded)], T0).Select(n => n.Level));
        Assert.Empty(RunNotices.For(Run(RunStatus.Succeeded), [Step("disk", StepStatus.Succeeded)], T0));
    }

    [Fact]
    public void Findings_AreAWarning_OrCriticalWithACriticalFinding_ListedInTheText()
    {
        var disk = Step("disk", StepStatus.Succeeded) with { Findings = [new(FindingLevel.Warning, "/data 93% used")] };
        var endpoints = Step("endpoints", StepStatus.Succeeded) with { Findings = [new(FindingLevel.Critical, "db down")] };

        var warning = Assert.Single(RunNotices.For(Run(RunStatus.Succeeded, "schedule:daily"), [disk], T0));
        var critical = Assert.Single(RunNotices.For(Run(RunStatus.Succeeded), [disk, endpoints], T0));

        Assert.Equal(NoticeLevel.Warning, warning.Level);
        Assert.Equal(NoticeLevel.Critical, critical.Level);
        Assert.Equal("deploy run r1 succeeded with warnings:\n- critical: endpoints: db down\n- warning: disk: /data 93% used", critical.Text);
    }

    [Fact]
    public void AFailureOlderThanTenMinutes_IsNotNews_AWaitingApprovalAlwaysIs()
    {
        var later = T0 + RunNotices.Freshness + TimeSpan.FromSeconds(1);

        Assert.Empty(RunNotices.For(Run(RunStatus.Failed), [Step("build", StepStatus.Failed, "exit 2")], later));
        Assert.Single(RunNotices.For(Run(RunStatus.WaitingForApproval), [Step("gate", StepStatus.Waiting)], later.AddHours(5)));
    }

    [Fact]
    public void Failure_NamesTheStepTheRunErrorNames_NotAnEarlierStepAllowedToFail()
    {
        var run = Run(RunStatus.Failed) with { Error = "step 'deploy' failed: exit 3" };
        var optional = Step("lint", StepStatus.Failed, "3 warnings") with { EndedAt = T0.AddSeconds(-30) };

        var failure = Assert.Single(RunNotices.For(run, [optional, Step("deploy", StepStatus.Failed, "exit 3")], T0));

        Assert.Equal("deploy run r1 failed at deploy", failure.Subject);
    }
}
