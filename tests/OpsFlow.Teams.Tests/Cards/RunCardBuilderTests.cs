using System.Text;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Tests.Cards;

public sealed class RunCardBuilderTests
{
    private static IEnumerable<CardAction> Actions(AdaptiveCard card) =>
        (card.Actions ?? []).Concat(card.Body.SelectMany(Actions)).SelectMany(a => a is ShowCardAction show ? [a, .. Actions(show.Card)] : new[] { a });

    private static IEnumerable<CardAction> Actions(CardElement element) => element switch
    {
        ActionSet set => set.Actions,
        Container container => container.Items.SelectMany(Actions),
        ColumnSet columns => columns.Columns.SelectMany(c => c.Items).SelectMany(Actions),
        _ => [],
    };

    /// <summary>The approval's buttons: those in the card's body, not the run's own.</summary>
    private static IEnumerable<CardAction> ApprovalActions(AdaptiveCard card) =>
        card.Body.SelectMany(Actions).SelectMany(a => a is ShowCardAction show ? [a, .. Actions(show.Card)] : new[] { a });

    private static IEnumerable<string> Texts(AdaptiveCard card) => card.Body.SelectMany(Texts);

    private static IEnumerable<string> Texts(CardElement element) => element switch
    {
        TextBlock text => [text.Text],
        Container container => container.Items.SelectMany(Texts),
        ColumnSet columns => columns.Columns.SelectMany(c => c.Items).SelectMany(Texts),
        FactSet facts => facts.Facts.Select(f => $"{f.Title}: {f.Value}"),
        _ => [],
    };

    private static AdaptiveCard Sample(string name) => RunCardBuilder.Build(RunCardSamples.All().Single(s => s.Name == name).View);

    [Fact]
    public void WaitingApproval_HasApproveRejectWithReasonAndExtend_WithExactlyRunStepRound()
    {
        var card = Sample("waiting-approval");

        var executes = ApprovalActions(card).OfType<ExecuteAction>().ToArray();
        Assert.Equal(["approve", "reject", "extend"], executes.Select(a => a.Verb));
        Assert.All(executes, a => Assert.Equal(
            new Dictionary<string, string> { ["runId"] = "r-42", ["step"] = "prod-approval", ["round"] = "1" },
            a.Data));
        var reject = Assert.Single(ApprovalActions(card).OfType<ShowCardAction>());
        var reason = Assert.IsType<InputText>(Assert.Single(reject.Card.Body));
        Assert.Equal("reason", reason.Id);
        Assert.Contains(Texts(card), t => t.Contains("Deploy web-app v1.2 to production", StringComparison.Ordinal));
        Assert.Contains("Approvals: 1 of 2", Texts(card));
        Assert.Contains(Texts(card), t => t.StartsWith("Votes: Megan Bowen", StringComparison.Ordinal));
    }

    [Fact]
    public void AStepOverManyNodes_ShowsThemCollapsedInOneLine()
    {
        var texts = Texts(Sample("rollout"));

        Assert.Contains(texts, t => t.Contains("6 of 8 done, 1 running, 1 failed", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("web-7", StringComparison.Ordinal));
    }

    [Fact]
    public void WaitingApproval_WithExtensionsUsedUp_HasNoExtend()
    {
        var verbs = ApprovalActions(Sample("waiting-approval-no-extend")).OfType<ExecuteAction>().Select(a => a.Verb);

        Assert.Equal(["approve", "reject"], verbs);
    }

    [Theory]
    [InlineData("succeeded", "Run again")]
    [InlineData("succeeded-with-warnings", "Run again")]
    [InlineData("failed", "Retry, Run again")]
    [InlineData("rolled-back", "Run again")]
    [InlineData("compensation-failed", "Retry, Run again")]
    [InlineData("cancelled", "Run again")]
    public void FinalStates_ShowOutcomeAndDuration_RetryWhenFailed_RunAgain_AndTheDashboardLink(string state, string buttons)
    {
        var card = Sample(state);

        Assert.Equal($"{buttons}, Open in dashboard", string.Join(", ", (card.Actions ?? []).Select(a => a.Title)));
        Assert.All((card.Actions ?? []).OfType<ExecuteAction>(), a => Assert.Equal(new Dictionary<string, string> { ["runId"] = "r-42" }, a.Data));
        Assert.Equal("http://localhost:5000/runs/r-42", Assert.Single((card.Actions ?? []).OfType<OpenUrlAction>()).Url);
        Assert.Empty(ApprovalActions(card));
        Assert.Contains(Texts(card), t => t.Contains(" in 4 min 0 s", StringComparison.Ordinal));
    }

    [Fact]
    public void Failure_SeenBefore_SaysHowOftenWhenAndHowItWasCleared()
    {
        var card = Sample("failed-seen-before");

        Assert.Contains(
            "Seen 4 times in 30 days (same workflow, step and normalised error), last in run k3j8x9q2ab on 22 Nov, cleared then by a retry by Lee Gu (user-id-2) (fingerprint 3f9a0c1d2e4b).",
            Texts(card));
        Assert.DoesNotContain(Texts(Sample("failed")), t => t.StartsWith("Seen ", StringComparison.Ordinal) || t.StartsWith("New:", StringComparison.Ordinal));
    }

    [Fact]
    public void SucceededWithWarnings_IsAmber_AndListsTheFindingsWorstFirst()
    {
        var card = Sample("succeeded-with-warnings");

        var header = Assert.IsType<Container>(card.Body[0]);
        Assert.Equal("warning", header.Style);
        Assert.Contains("⚠ Succeeded with warnings", Texts(card));
        var findings = card.Body.OfType<Container>().Single(c => c.Items.OfType<TextBlock>().Any(t => t.Text.StartsWith("Findings:", StringComparison.Ordinal)));
        Assert.Equal(
            ["Findings: 2 of 4 need attention", "‼ endpoints: http://db:8080/health is down: connection refused", "⚠ disk: /data 93% used, over 90%", "✓ disk: / 40% used", "✓ memory: memory: 12 GiB available of 24 GiB (50%)"],
            findings.Items.OfType<TextBlock>().Select(t => t.Text));
        Assert.Equal("deploy run r-42: Succeeded with warnings, 3 of 3 steps done", card.FallbackText);
    }

    [Fact]
    public void Succeeded_WithoutFindings_StaysGreen()
    {
        var header = Assert.IsType<Container>(Sample("succeeded").Body[0]);

        Assert.Equal("good", header.Style);
    }

    [Fact]
    public void Failure_NamesTheStepAndError_WithTheLastTenLogLinesInMonospace()
    {
        var card = Sample("rolling-back");

        Assert.Contains("✗ Failed at step switch: ln exited 1: permission denied", Texts(card));
        var log = card.Body.OfType<Container>().SelectMany(c => c.Items).OfType<TextBlock>().Where(t => t.FontType == "monospace").ToArray();
        Assert.Equal(10, log.Length);
        Assert.StartsWith("2026-11-26 09:01:05 line 5 ", log[0].Text, StringComparison.Ordinal);
        Assert.All(log, l => Assert.True(l.Text.Length <= 160, "log lines are trimmed"));
        Assert.Contains("↶ stop: undoing…", Texts(card));
    }

    [Fact]
    public void Running_ShowsProgressBarStepCountAndEstimate()
    {
        var card = Sample("running");

        var bar = card.Body.OfType<ColumnSet>().First();
        Assert.Equal(["48", "52"], bar.Columns.Select(c => c.Width));
        Assert.Contains("1 of 3 steps · 3 min 0 s elapsed · about 2 min left", Texts(card));
        Assert.Contains(Texts(card), t => t.Contains("attempt 2/3", StringComparison.Ordinal));
        Assert.Contains(Texts(card), t => t.Contains("45% copying", StringComparison.Ordinal));
    }

    [Fact]
    public void Running_PastTheUsualDuration_SaysItIsTakingLonger()
    {
        var view = RunCardSamples.All().Single(s => s.Name == "running").View with { TypicalDuration = TimeSpan.FromMinutes(2) };

        Assert.Contains(Texts(RunCardBuilder.Build(view)), t => t.EndsWith("taking longer than usual (usually 2 min 0 s)", StringComparison.Ordinal));
    }

    [Fact]
    public void HugeWorkflow_ShowsTheStepsAroundTheCurrentOne_SummarisesTheRest_AndStaysSmall()
    {
        var card = RunCardBuilder.Build(RunCardSamples.Huge(200));

        var json = CardJson.Serialize(card);
        Assert.True(Encoding.UTF8.GetByteCount(json) <= RunCardBuilder.MaxCardBytes, $"{Encoding.UTF8.GetByteCount(json)} bytes");
        Assert.Contains(Texts(card), t => t == "step-30-with-a-longish-name");
        Assert.Contains(Texts(card), t => t.StartsWith("… and ", StringComparison.Ordinal) && t.Contains("succeeded", StringComparison.Ordinal) && t.Contains("pending", StringComparison.Ordinal));
    }

    [Fact]
    public void NoDashboardUrl_NoLink()
    {
        var view = RunCardSamples.View(RunStatus.Running, RunCardSamples.Step("build", 0, StepStatus.Running)) with { DashboardUrl = null };

        Assert.DoesNotContain(RunCardBuilder.Build(view).Actions ?? [], a => a is OpenUrlAction);
    }

    [Theory]
    [InlineData(RunStatus.Running, "pause")]
    [InlineData(RunStatus.WaitingForApproval, null)]
    [InlineData(RunStatus.Paused, "resume")]
    public void ActiveStates_OfferPauseWhileRunning_ResumeWhilePaused_AndCancelWithAReason_ButRollingBackOffersNothing(RunStatus status, string? first)
    {
        var card = RunCardBuilder.Build(RunCardSamples.View(status, RunCardSamples.Step("build", 0, StepStatus.Running)) with { DashboardUrl = null });

        var actions = card.Actions ?? [];
        Assert.Equal(first, (actions[0] as ExecuteAction)?.Verb);
        var cancel = Assert.IsType<ShowCardAction>(actions[^1]);
        Assert.Equal(RunCardControls.CancelReasonInput, Assert.IsType<InputText>(Assert.Single(cancel.Card.Body)).Id);
        Assert.Equal(("cancel", "auto"), Assert.Single(cancel.Card.Actions!.OfType<ExecuteAction>()) is var run ? (run.Verb, run.AssociatedInputs) : default);
        Assert.Null(RunCardBuilder.Build(RunCardSamples.View(RunStatus.RollingBack, RunCardSamples.Step("build", 0, StepStatus.Compensating)) with { DashboardUrl = null }).Actions);
    }
}
