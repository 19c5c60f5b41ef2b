using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// When a step of the watched run waits for approval: says who may decide and, at a terminal, lets another person
/// decide at the prompt. The engine judges every decision (approver list, four-eyes); a refusal is shown as it says.
/// </summary>
internal sealed class ApprovalDesk(CliContext context, WorkflowDefinition definition)
{
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);

    public bool NeedsAttention(RunProgress progress) => WaitingApprovals(progress).Any(s => !_handled.Contains(s.Name));

    public async Task HandleAsync(RunProgress progress, CancellationToken cancellationToken)
    {
        var console = context.Console;
        foreach (var step in WaitingApprovals(progress).Where(s => _handled.Add(s.Name)).ToArray())
        {
            var policy = definition.Find(step.Name)?.Approval ?? new ApprovalPolicy();
            var who = policy.Approvers.Count == 0 ? "any operator" : string.Join(", ", policy.Approvers);
            var self = definition.AllowSelfApproval ? string.Empty : $", not the requester {progress.Run.RequestedByName} (four-eyes)";
            console.MarkupLineInterpolated($"[darkorange]step '{step.Name}' waits for approval[/]: {policy.Required} approval(s) from {who}{self}, until {CliFormat.Time(step.DueAt)}.");
            if (policy.Message is { } message)
            {
                console.MarkupLineInterpolated($"  {message}");
            }

            if (!context.Interactive)
            {
                console.MarkupLine("[grey]  no terminal to ask at: the run waits. Ctrl+C stops watching; the web host takes the run over at its next start, where its approvers decide.[/]");
                continue;
            }

            await PromptAsync(progress.Run.Id, step.Name, cancellationToken);
        }
    }

    private async Task PromptAsync(string runId, string step, CancellationToken cancellationToken)
    {
        var console = context.Console;
        var directory = context.Host.Get<ActorDirectory>();
        var engine = context.Host.Get<WorkflowEngine>();
        while (true)
        {
            var who = await new TextPrompt<string>($"Decide '{Markup.Escape(step)}' as (user id; empty to keep waiting):").AllowEmpty().ShowAsync(console, cancellationToken);
            if (string.IsNullOrWhiteSpace(who))
            {
                console.MarkupLine("[grey]left waiting. Ctrl+C stops watching; the run keeps waiting for its approvers.[/]");
                return;
            }

            var action = await new SelectionPrompt<ApprovalAction>()
                .Title("Decision:")
                .AddChoices(ApprovalAction.Approve, ApprovalAction.Reject)
                .ShowAsync(console, cancellationToken);
            var reason = action == ApprovalAction.Reject
                ? await new TextPrompt<string>("Reason:").AllowEmpty().ShowAsync(console, cancellationToken)
                : null;
            var result = await engine.SendAsync(runId, new RunCommand.Decide(directory.Resolve(who.Trim()) with { Via = "cli" }, step, action, string.IsNullOrWhiteSpace(reason) ? null : reason), cancellationToken);
            if (result.Outcome != CommandOutcome.Done)
            {
                console.MarkupLineInterpolated($"[red]refused:[/] {result.Message}");
                continue;
            }

            console.MarkupLineInterpolated($"[green]{result.Message}[/]");
            if (result.Run?.Status != RunStatus.WaitingForApproval)
            {
                return;
            }
        }
    }

    private IEnumerable<StepRecord> WaitingApprovals(RunProgress progress) =>
        progress.Run.Status == RunStatus.WaitingForApproval
            ? progress.Steps.Where(s => s.Status == StepStatus.Waiting && definition.Find(s.Name)?.Kind == StepKind.Approval)
            : [];
}
