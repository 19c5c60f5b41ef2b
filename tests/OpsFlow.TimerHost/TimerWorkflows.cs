using System.Globalization;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;

namespace OpsFlow.TimerHost;

/// <summary>One workflow per scenario; the schedule one declares its cron only in the schedule scenario.</summary>
internal static class TimerWorkflows
{
    public const string Retry = "retry";
    public const string Approval = "approval";
    public const string Schedule = "schedule";

    /// <summary>A run whose step is executing when the host dies; only Quartz's job recovery may resume it.</summary>
    public const string Job = "job";
    public static readonly string[] Scenarios = [Retry, Approval, Schedule, Job];

    /// <summary>The retry delay and the approval timeout: long enough to kill and restart inside them.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(6);

    /// <summary>Every 5 s: the test keeps the host down across at least two of these.</summary>
    public const string Cron = "0/5 * * * * ?";

    public static InMemoryWorkflowCatalog Catalog(string scenario, JournalFile journal) => scenario switch
    {
        Retry => new InMemoryWorkflowCatalog().Add(RetryWorkflow(journal)),
        Approval => new InMemoryWorkflowCatalog().Add(ApprovalWorkflow(journal)),
        Job => new InMemoryWorkflowCatalog().Add(JobWorkflow(journal)),
        _ => new InMemoryWorkflowCatalog().Add(ScheduledWorkflow(journal)),
    };

    /// <summary>Attempt 1 fails; attempt 2, after <see cref="Delay"/>, succeeds.</summary>
    private static WorkflowDefinition RetryWorkflow(JournalFile journal)
    {
        var workflow = new WorkflowBuilder(Retry, "fails once, retried after a delay");
        workflow.Step("flaky", ctx =>
        {
            journal.Write("start", ctx.RunId, ctx.StepName, ctx.Attempt);
            if (ctx.Attempt == 1)
            {
                throw new InvalidOperationException("attempt 1 fails on purpose");
            }
        }).Retry(max: 2, initialDelay: Delay);
        return workflow.Build();
    }

    /// <summary>Nobody decides: the approval times out (reject), so "after" must never run.</summary>
    private static WorkflowDefinition ApprovalWorkflow(JournalFile journal)
    {
        var workflow = new WorkflowBuilder(Approval, "an approval nobody decides");
        var gate = workflow.Approval("gate").Timeout(Delay);
        workflow.Step("after", ctx => journal.Write("start", ctx.RunId, ctx.StepName, ctx.Attempt)).After(gate);
        return workflow.Build();
    }

    /// <summary>Attempt 1 of "slow" runs until the process is killed; the attempt after the recovery finishes.</summary>
    private static WorkflowDefinition JobWorkflow(JournalFile journal)
    {
        var workflow = new WorkflowBuilder(Job, "a step still executing when the host dies");
        workflow.Step("slow", async ctx =>
        {
            journal.Write("start", ctx.RunId, ctx.StepName, ctx.Attempt);
            if (ctx.Attempt == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
            }
        });
        return workflow.Build();
    }

    private static WorkflowDefinition ScheduledWorkflow(JournalFile journal)
    {
        var workflow = new WorkflowBuilder(Schedule, "runs every 5 s")
            .Schedule(new ScheduleSpec(Cron, "UTC", new Dictionary<string, string?>(), Conversation: null));
        workflow.Step("tick", ctx => journal.Write("start", ctx.RunId, ctx.StepName, ctx.Attempt));
        return workflow.Build();
    }
}

/// <summary>Lines appended with the file closed after each, so a SIGKILL loses none that were written.</summary>
internal sealed class JournalFile(string path, TimeProvider clock)
{
    private readonly Lock _gate = new();

    public void Write(string what, string runId, string step, int attempt)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{what} {runId} {step} {attempt} {clock.GetUtcNow().UtcTicks}\n");
        lock (_gate)
        {
            File.AppendAllText(path, line);
        }
    }
}
