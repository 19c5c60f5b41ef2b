using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Tests.Cards;

/// <summary>Run card views in every state worth drawing: a deploy with build, test, an approval and a rollback-able stop.</summary>
internal static class RunCardSamples
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public static RunRecord Run(RunStatus status, string trigger = "chat") => new()
    {
        Id = "r-42",
        Workflow = "deploy",
        Status = status,
        Parameters = new Dictionary<string, string> { ["app"] = "web-app", ["version"] = "v1.2", ["env"] = "prod" },
        RequestedById = "user-id-0",
        RequestedByName = "Alex Wilber",
        Trigger = trigger,
        ReplyTo = "conv-1",
        CreatedAt = T0,
        StartedAt = status == RunStatus.Pending ? null : T0,
        EndedAt = RunCardBuilder.IsFinal(status) ? T0.AddMinutes(4) : null,
    };

    public static StepView Step(string name, int position, StepStatus status, StepKind kind = StepKind.Action, int attempt = 1) => new(new StepRecord
    {
        RunId = "r-42",
        Name = name,
        Position = position,
        Status = status,
        Attempt = status == StepStatus.Pending ? 0 : attempt,
        StartedAt = status == StepStatus.Pending ? null : T0.AddSeconds(position * 30),
        EndedAt = status is StepStatus.Pending or StepStatus.Running or StepStatus.Waiting ? null : T0.AddSeconds((position * 30) + 25),
    }, kind);

    public static StepView Approval(StepStatus status, int extensions = 0, params ApprovalVote[] votes) =>
        Step("prod-approval", 2, status, StepKind.Approval) with
        {
            Record = Step("prod-approval", 2, status).Record with { DueAt = T0.AddHours(2), Votes = votes, Extensions = extensions },
            Approval = new ApprovalView(["role:ops-manager", "tech-lead@contoso.com"], 2, 1, "Deploy web-app v1.2 to production"),
        };

    public static RunCardView View(RunStatus status, params StepView[] steps) =>
        new(Run(status), steps, T0.AddMinutes(3)) { TypicalDuration = TimeSpan.FromMinutes(5), DashboardUrl = "http://localhost:5000/" };

    public static IEnumerable<(string Name, RunCardView View)> All()
    {
        var vote = new ApprovalVote("user-id-1", "Megan Bowen", true, null, T0.AddMinutes(2));
        yield return ("pending", View(RunStatus.Pending, Step("build", 0, StepStatus.Pending), Step("test", 1, StepStatus.Pending)));
        yield return ("running", View(RunStatus.Running,
            Step("build", 0, StepStatus.Succeeded, attempt: 2) with { MaxAttempts = 3 },
            Step("test", 1, StepStatus.Running) with { Record = Step("test", 1, StepStatus.Running).Record with { ProgressPercent = 45, ProgressText = "copying" } },
            Step("stop", 3, StepStatus.Pending)));
        yield return ("waiting-approval", View(RunStatus.WaitingForApproval,
            Step("build", 0, StepStatus.Succeeded), Step("test", 1, StepStatus.Succeeded), Approval(StepStatus.Waiting, 0, vote), Step("stop", 3, StepStatus.Pending)));
        yield return ("waiting-approval-no-extend", View(RunStatus.WaitingForApproval,
            Step("build", 0, StepStatus.Succeeded), Approval(StepStatus.Waiting, extensions: 1)));
        yield return ("approved", View(RunStatus.Running,
            Step("build", 0, StepStatus.Succeeded), Approval(StepStatus.Succeeded, 0, vote, vote with { ActorId = "user-id-2", ActorName = "Lee Gu" }), Step("stop", 3, StepStatus.Running)));
        yield return ("failed", Failed(RunStatus.Failed, StepStatus.Succeeded));
        yield return ("failed-seen-before", Failed(RunStatus.Failed, StepStatus.Succeeded) with
        {
            Recurrence = new OpsFlow.Engine.Reports.FailureRecurrence("3f9a0c1d2e4b", 4, 30, "k3j8x9q2ab", T0.AddDays(-4), "a retry by Lee Gu (user-id-2)"),
        });
        yield return ("rolling-back", Failed(RunStatus.RollingBack, StepStatus.Compensating));
        yield return ("rolled-back", Failed(RunStatus.RolledBack, StepStatus.Compensated));
        yield return ("compensation-failed", Failed(RunStatus.Failed, StepStatus.CompensationFailed));
        yield return ("succeeded", View(RunStatus.Succeeded, Step("build", 0, StepStatus.Succeeded), Step("test", 1, StepStatus.Succeeded), Step("notify", 2, StepStatus.Skipped)));
        yield return ("succeeded-with-warnings", WithWarnings());
        yield return ("rollout", View(RunStatus.Running,
            Step("build", 0, StepStatus.Succeeded),
            Step("switch", 1, StepStatus.Running) with
            {
                Record = Step("switch", 1, StepStatus.Running).Record with
                {
                    Items = [.. Enumerable.Range(1, 6).Select(i => new StepItem($"web-{i}", ItemStatus.Succeeded)), new StepItem("web-7", ItemStatus.Failed, "unhealthy"), new StepItem("web-8", ItemStatus.Running)],
                },
            }));
        yield return ("cancelled", View(RunStatus.Cancelled, Step("build", 0, StepStatus.Succeeded), Step("test", 1, StepStatus.Cancelled)));
        yield return ("sixty-steps", Huge(60));
        yield return ("with-notice", View(RunStatus.WaitingForApproval, Approval(StepStatus.Waiting)) with { Notice = "You started this run; someone else must approve it (four-eyes rule)." });
        yield return ("replacement", View(RunStatus.WaitingForApproval, Step("build", 0, StepStatus.Succeeded), Approval(StepStatus.Waiting)) with { Replacement = true });
    }

    /// <summary>An inspection that succeeded and found a full disk and an endpoint down, among fine checks.</summary>
    public static RunCardView WithWarnings() => View(RunStatus.Succeeded,
        Step("disk", 0, StepStatus.Succeeded) with { Record = Step("disk", 0, StepStatus.Succeeded).Record with { Findings = [new(FindingLevel.Ok, "/ 40% used"), new(FindingLevel.Warning, "/data 93% used, over 90%")] } },
        Step("endpoints", 1, StepStatus.Succeeded) with { Record = Step("endpoints", 1, StepStatus.Succeeded).Record with { Findings = [new(FindingLevel.Critical, "http://db:8080/health is down: connection refused")] } },
        Step("memory", 2, StepStatus.Succeeded) with { Record = Step("memory", 2, StepStatus.Succeeded).Record with { Findings = [new(FindingLevel.Ok, "memory: 12 GiB available of 24 GiB (50%)")] } });

    public static RunCardView Failed(RunStatus status, StepStatus stop) => View(status,
        Step("build", 0, StepStatus.Succeeded),
        Step("stop", 1, stop) with { Record = Step("stop", 1, stop).Record with { CompletedSeq = 1, Error = stop == StepStatus.CompensationFailed ? "systemctl start web-app exited 1" : null } },
        Step("switch", 2, StepStatus.Failed) with { Record = Step("switch", 2, StepStatus.Failed).Record with { Error = "ln exited 1: permission denied" } })
        with
        {
            FailedStepLog = [.. Enumerable.Range(1, 14).Select(i => $"2026-11-26 09:01:{i:00} line {i} of the switch step *with* _markdown_ [chars] and a long tail {new string('x', 200)}")],
        };

    public static RunCardView Huge(int count) => View(RunStatus.Running, [.. Enumerable.Range(0, count).Select(i =>
        Step($"step-{i:00}-with-a-longish-name", i, i < 30 ? StepStatus.Succeeded : i == 30 ? StepStatus.Running : StepStatus.Pending) with { MaxAttempts = 3 })]);
}
