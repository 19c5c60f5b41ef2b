using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Tests.Cards;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>The publisher as the engine's observer, through a real run: approval, a failing step, the rollback.</summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class RunCardEngineTests
{
    private static WorkflowDefinition Release()
    {
        var workflow = new WorkflowBuilder("release", "Release with a gate");
        var stop = workflow.Step("stop", ctx => ctx.Log("stopping web-app")).Compensate(ctx => ctx.Log("starting web-app again"));
        var gate = workflow.Approval("gate").After(stop).Approvers("role:ops-manager").Message("Release web-app");
        workflow.Step("switch", ctx =>
        {
            for (var i = 1; i <= 15; i++)
            {
                ctx.Log($"switch line {i}");
            }

            throw new InvalidOperationException("ln exited 1: permission denied");
        }).After(gate);
        return workflow.Build();
    }

    [Fact]
    public async Task RealRun_CardFollowsApprovalFailureAndRollback_AndEveryCardIsValid()
    {
        var h = new PublisherHarness();
        h.Catalog.Add(Release());
        await h.ConversationAsync("conv-1");
        await using var harness = new EngineHarness(h.Store, h.Clock, h.Catalog, observers: [h.Publisher]);
        var engine = harness.Engine;
        var alice = new Actor("user-id-0", "Alex Wilber", new HashSet<string> { Roles.Operator });
        var bob = new Actor("user-id-2", "Lee Gu", new HashSet<string> { Roles.Operator, "ops-manager" });

        var started = Assert.IsType<StartRunResult.Started>(await engine.StartAsync(new StartRunRequest("release", new Dictionary<string, string?>(), alice, "chat", ReplyTo: "conv-1")));
        var runId = started.Run.Id;
        await harness.WaitForRunAsync(runId, RunStatus.WaitingForApproval);
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        var decided = await engine.SendAsync(runId, new RunCommand.Decide(bob, null, ApprovalAction.Approve, null));
        Assert.Equal(CommandOutcome.Done, decided.Outcome);
        await harness.WaitForRunAsync(runId, RunStatus.RolledBack);
        await h.AdvanceAsync(TimeSpan.FromSeconds(3));

        var cards = h.Connector.Calls.Where(c => c.Activity.Attachments is { Count: > 0 }).ToArray();
        Assert.Equal("Send", cards[0].Kind);
        Assert.All(cards.Skip(1), c => Assert.Equal(("Update", "activity-1"), (c.Kind, c.ActivityId)));
        var last = RunCardPublisherTests.CardText(cards[^1]);
        foreach (var expected in new[] { "Failed and rolled back", "Failed at step switch", "switch line 15", "stop: undone" })
        {
            Assert.True(last.Contains(expected, StringComparison.Ordinal), $"the final card should show '{expected}':\n{last}");
        }

        Assert.DoesNotContain("switch line 5\"", last, StringComparison.Ordinal);
        var texts = h.Connector.Calls.Where(c => c.Activity.Text is not null).Select(c => c.Activity.Text!).ToArray();
        Assert.True(texts.Length == 3, $"the approval request, the failure and the rollback's outcome: {string.Join(" | ", texts)}");
        Assert.Contains("<at>user-id-2</at>", texts[0], StringComparison.Ordinal);
        Assert.Contains("<at>Alex Wilber</at>", texts[1], StringComparison.Ordinal);
        Assert.StartsWith("↩ Run", texts[2], StringComparison.Ordinal);
        Assert.Contains("is rolled back: undone stop", texts[2], StringComparison.Ordinal);
        await CardValidator.AssertValidAsync(cards.Select((c, i) => ($"engine-{i}", (AdaptiveCard)c.Activity.Attachments![0].Content!)));
    }
}
