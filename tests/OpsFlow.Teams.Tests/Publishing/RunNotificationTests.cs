using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>New messages only for what needs attention, each once, with real mentions (docs/product.md §7).</summary>
public sealed class RunNotificationTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    private static ConnectorCall[] Texts(PublisherHarness h) => [.. h.Connector.Calls.Where(c => c.Activity.Text is not null)];

    private static string[] MentionedIds(ConnectorCall call) =>
        [.. (call.Activity.Entities ?? []).Where(e => (string?)e["type"] == "mention").Select(e => (string)e["mentioned"]!["id"]!)];

    private static async Task<PublisherHarness> WaitingForApprovalAsync(string trigger = "chat")
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1", trigger);
        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.WaitingForApproval },
            ("build", s => s with { Status = StepStatus.Succeeded, Attempt = 1, CompletedSeq = 1 }),
            ("prod-approval", s => s with { Status = StepStatus.Waiting, StartedAt = h.Clock.GetUtcNow(), DueAt = h.Clock.GetUtcNow().AddHours(2) }));
        await h.AdvanceAsync(2 * S);
        return h;
    }

    [Fact]
    public async Task ApprovalRequested_MentionsEveryApproverOnce_WithRolesExpandedFromConfiguration()
    {
        var h = await WaitingForApprovalAsync();
        await h.ChangeAsync("r-1", r => r, ("prod-approval", s => s with { Votes = [new ApprovalVote("user-id-2", "Lee Gu", true, null, h.Clock.GetUtcNow())] }));
        await h.AdvanceAsync(5 * S);

        var text = Assert.Single(Texts(h));
        Assert.Equal(["megan@contoso.com", "user-id-2", "tech-lead@contoso.com"], MentionedIds(text));
        foreach (var person in new[] { "megan@contoso.com", "user-id-2", "tech-lead@contoso.com" })
        {
            Assert.Contains($"<at>{person}</at>", text.Activity.Text, StringComparison.Ordinal);
        }

        Assert.Contains("Deploy web-app to production", text.Activity.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovalAskedAgainInANewRound_IsAnnouncedAgain()
    {
        var h = await WaitingForApprovalAsync();
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.Running }, ("prod-approval", s => s with { Status = StepStatus.Pending }));
        await h.AdvanceAsync(2 * S);
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.WaitingForApproval }, ("prod-approval", s => s with { Status = StepStatus.Waiting, StartedAt = h.Clock.GetUtcNow() }));
        await h.AdvanceAsync(2 * S);

        Assert.Equal(2, Texts(h).Length);
    }

    [Fact]
    public async Task Escalation_HoursAfterTheApprovalBegan_PingsTheEscalationApprovers()
    {
        var h = await WaitingForApprovalAsync();
        await h.AdvanceAsync(TimeSpan.FromHours(2));
        await h.ChangeAsync("r-1", r => r, ("prod-approval", s => s with { Escalated = true, DueAt = h.Clock.GetUtcNow().AddHours(2) }));
        await h.AdvanceAsync(2 * S);

        var texts = Texts(h);
        Assert.True(texts.Length == 2, $"the escalation two hours in must be announced, not dropped as old news: {texts.Length} message(s)");
        Assert.Equal(["oncall-lead"], MentionedIds(texts[^1]));
        Assert.StartsWith("⏫ Escalated: run r-1 (deploy) still waits for approval of prod-approval", texts[^1].Activity.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWaitingApproval_IsRemindedEvery30Minutes_ThreeTimesAtMost_TheLatestOnly()
    {
        var h = await WaitingForApprovalAsync();
        async Task<string[]> RemindersAfterAsync(TimeSpan wait)
        {
            await h.AdvanceAsync(wait);
            h.Publisher.Refresh("r-1");
            await h.AdvanceAsync(2 * S);
            return [.. Texts(h).Select(t => t.Activity.Text!).Where(t => t.StartsWith('⏰'))];
        }

        Assert.Empty(await RemindersAfterAsync(TimeSpan.FromMinutes(20)));
        var first = Assert.Single(await RemindersAfterAsync(TimeSpan.FromMinutes(10)));
        Assert.StartsWith("⏰ Reminder 1 of 3: run r-1 (deploy) has waited 30 min", first, StringComparison.Ordinal);
        Assert.Contains("<at>tech-lead@contoso.com</at>", first, StringComparison.Ordinal);
        Assert.Single(await RemindersAfterAsync(TimeSpan.FromMinutes(5)));
        // Hours later (an outage, say): one reminder, the last allowed, not the ones missed; and none after it.
        var late = await RemindersAfterAsync(TimeSpan.FromHours(5));
        Assert.Equal(2, late.Length);
        Assert.StartsWith("⏰ Reminder 3 of 3", late[^1], StringComparison.Ordinal);
        Assert.Equal(2, (await RemindersAfterAsync(TimeSpan.FromHours(1))).Length);
    }

    [Fact]
    public async Task RolledBack_IsAnnouncedOnce_WithWhatWasUndone()
    {
        var h = await WaitingForApprovalAsync();
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.RollingBack },
            ("prod-approval", s => s with { Status = StepStatus.Succeeded }), ("stop", s => s with { Status = StepStatus.Failed, Error = "port in use" }));
        await h.AdvanceAsync(2 * S);
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.RolledBack, EndedAt = h.Clock.GetUtcNow() }, ("build", s => s with { Status = StepStatus.Compensated }));
        await h.AdvanceAsync(2 * S);
        await h.ChangeAsync("r-1", r => r);
        await h.AdvanceAsync(2 * S);

        var rolledBack = Assert.Single(Texts(h), t => t.Activity.Text!.StartsWith('↩'));
        Assert.Equal("↩ Run r-1 (deploy) is rolled back: undone build. <at>Alex Wilber</at>, the card shows each step.", rolledBack.Activity.Text);
        Assert.Equal(["user-id-0"], MentionedIds(rolledBack));
    }

    [Fact]
    public async Task ACompensationThatFailed_IsAnnouncedAsNeedingAHuman_MentioningTheRequesterAndTheAdmins()
    {
        var h = await WaitingForApprovalAsync();
        h.Access.Roles[Roles.Admin] = ["ada", "user-id-0"];
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.Failed, EndedAt = h.Clock.GetUtcNow(), Error = "compensation of step 'build' failed" },
            ("prod-approval", s => s with { Status = StepStatus.Succeeded }),
            ("stop", s => s with { Status = StepStatus.Compensated }),
            ("build", s => s with { Status = StepStatus.CompensationFailed, Error = "artifact store unreachable" }));
        await h.AdvanceAsync(2 * S);

        var human = Assert.Single(Texts(h), t => t.Activity.Text!.StartsWith('⚠'));
        Assert.Contains("needs a human: its rollback could not undo build (build: artifact store unreachable). Undone: stop.", human.Activity.Text, StringComparison.Ordinal);
        Assert.Equal(["user-id-0", "ada"], MentionedIds(human));
    }

    [Fact]
    public async Task Failure_MentionsTheRequesterOnce_AndNamesTheStepAndError()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");
        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.Failed, Error = "step 'build' failed: exit 2", EndedAt = h.Clock.GetUtcNow() },
            ("build", s => s with { Status = StepStatus.Failed, Attempt = 3, Error = "dotnet publish exited 2", EndedAt = h.Clock.GetUtcNow() }));
        await h.AdvanceAsync(2 * S);
        h.Publisher.Refresh("r-1");
        await h.AdvanceAsync(5 * S);

        var text = Assert.Single(Texts(h));
        Assert.Contains("Run r-1 (deploy) failed at step build: dotnet publish exited 2", text.Activity.Text, StringComparison.Ordinal);
        Assert.Contains("<at>Alex Wilber</at>", text.Activity.Text, StringComparison.Ordinal);
        Assert.Equal(["user-id-0"], MentionedIds(text));
        Assert.True(h.Connector.Calls.Any(c => c.Kind == "Update"), "the refresh should update the card, not post a second one");
    }

    [Fact]
    public async Task ScheduledRun_FinalResult_IsPostedOnce_ChatRunsAreNot()
    {
        var scheduled = new PublisherHarness();
        await scheduled.ConversationAsync("conv-1");
        await scheduled.CreateRunAsync("r-1", "conv-1", "schedule:daily-inspect");
        await scheduled.SetStatusAsync("r-1", RunStatus.Running);
        await scheduled.SetStatusAsync("r-1", RunStatus.Succeeded);
        await scheduled.AdvanceAsync(5 * S);

        var chat = new PublisherHarness();
        await chat.ConversationAsync("conv-1");
        await chat.CreateRunAsync("r-1", "conv-1");
        await chat.SetStatusAsync("r-1", RunStatus.Running);
        await chat.SetStatusAsync("r-1", RunStatus.Succeeded);
        await chat.AdvanceAsync(5 * S);

        Assert.Contains("Scheduled run r-1 of deploy: succeeded", Assert.Single(Texts(scheduled)).Activity.Text, StringComparison.Ordinal);
        Assert.Empty(Texts(chat));
    }

    [Fact]
    public async Task ScheduledRun_SucceededWithWarnings_PostsItsFindingsWorstFirst_InsteadOfThePlainResult()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1", "schedule:daily-inspect");
        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.Succeeded, EndedAt = h.Clock.GetUtcNow() },
            ("build", s => s with
            {
                Status = StepStatus.Succeeded,
                Attempt = 1,
                Findings = [new(FindingLevel.Ok, "/ 40% used"), new(FindingLevel.Warning, "/data 93% used"), new(FindingLevel.Critical, "db is down")],
            }));
        await h.AdvanceAsync(5 * S);

        var text = Assert.Single(Texts(h)).Activity.Text;
        Assert.Equal("⚠ Scheduled run r-1 of deploy succeeded with warnings (1 critical, 1 warning(s)): ‼ build: db is down; ⚠ build: /data 93% used.", text);
    }

    [Fact]
    public void Failure_SeenBefore_SaysSoInTheNotice()
    {
        var view = OpsFlow.Teams.Tests.Cards.RunCardSamples.All().Single(s => s.Name == "failed-seen-before").View;
        view = view with { Run = view.Run with { EndedAt = view.Now }, Steps = [.. view.Steps.Select(s => s with { Record = s.Record with { EndedAt = view.Now } })] };

        var failure = Assert.Single(OpsFlow.Teams.Publishing.RunNotifications.For(view, new AccessOptions()), n => n.Kind == "failure");

        Assert.Contains("failed at step switch: ln exited 1: permission denied. Seen 4 times in 30 days", failure.Text, StringComparison.Ordinal);
        Assert.Contains("cleared then by a retry by Lee Gu (user-id-2)", failure.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureLongAgo_IsNotAnnouncedWhenItsCardIsRefreshed()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", replyTo: null);
        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.Failed, StartedAt = h.Clock.GetUtcNow(), EndedAt = h.Clock.GetUtcNow() },
            ("build", s => s with { Status = StepStatus.Failed, Attempt = 1, Error = "exit 2", EndedAt = h.Clock.GetUtcNow() }));
        h.Clock.Advance(TimeSpan.FromHours(1));

        // The conversation's loop posts it in its turn: the pump stands in for the loop here.
        var posting = h.Publisher.PostAsync("r-1", await h.Chats.GetConversationAsync("conv-1") ?? throw new InvalidOperationException());
        await h.AdvanceAsync(TimeSpan.Zero);
        await posting;
        h.Publisher.Refresh("r-1");
        await h.AdvanceAsync(5 * S);

        Assert.Equal(["Send", "Update"], h.Connector.Calls.Select(c => c.Kind));
        Assert.Empty(Texts(h));
    }

    [Fact]
    public void Mention_IsWrittenAsATeamsMentionEntity()
    {
        var entity = OpsFlow.Teams.Protocol.Outgoing.Text(
            new OpsFlow.Chat.ConversationReference("c", "http://x", "msteams", "bot", null, null, null, PublisherHarness.T0),
            "<at>Alex</at> look",
            [new OpsFlow.Teams.Protocol.Mention(new OpsFlow.Teams.Protocol.ChannelAccount { Id = "user-id-0", Name = "Alex" }, "<at>Alex</at>")]).Entities![0];

        Assert.Equal(("mention", "<at>Alex</at>", "user-id-0", "Alex"),
            ((string?)entity["type"], (string?)entity["text"], (string?)entity["mentioned"]?["id"], (string?)entity["mentioned"]?["name"]));
    }
}
