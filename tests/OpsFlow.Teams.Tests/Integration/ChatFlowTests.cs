using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>
/// Chat through the real host: Teams-shaped activities in, connector calls out. Each test talks in a conversation
/// of its own, so what the stub connector recorded there is that test's alone.
/// </summary>
public sealed class ChatFlowTests(TeamsFactory factory) : IClassFixture<TeamsFactory>
{
    private static string NewConversation() => $"19:{Guid.NewGuid():n}@thread.tacv2";

    private IRunStore Runs => factory.Services.GetRequiredService<IRunStore>();

    [Fact]
    public async Task Help_ByMention_AnswersWithTheWorkflowList()
    {
        var conversation = NewConversation();

        var response = await factory.PostActivityAsync(ActivityJson.Message("help", "olivia", conversation: conversation));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.Card().Contains("gated", StringComparison.Ordinal)), "the help card");
        Assert.Contains(sent, r => r.IsPost() && r.Card().Contains("/runs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownCommand_AnswersWithTheList()
    {
        var conversation = NewConversation();

        await factory.PostActivityAsync(ActivityJson.Message("/deploi web-app", "olivia", conversation: conversation, mention: false));

        await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.Card().Contains("deploi", StringComparison.Ordinal) && x.Card().Contains("gated", StringComparison.Ordinal)),
            "the unknown command named, with the list of workflows");
    }

    [Fact]
    public async Task BadParameter_AnswersWithAUsageCardNamingTheParameterAndTheRule()
    {
        var conversation = NewConversation();

        await factory.PostActivityAsync(ActivityJson.Message("release \"Web App!\"", "olivia", conversation: conversation));

        var sent = await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.Card().Contains("app", StringComparison.Ordinal)), "a usage card");
        var usage = sent.Single(r => r.IsPost()).Card();
        Assert.Contains("^[a-z][a-z0-9-]{1,40}$", usage, StringComparison.Ordinal);
        Assert.Contains("web-app", usage, StringComparison.Ordinal);
        Assert.DoesNotContain((await Runs.ListRunsAsync(new RunQuery { Workflow = "release", RequestedBy = "olivia" })).Runs, r => r.ReplyTo == conversation);
    }

    [Fact]
    public async Task SameActivityDeliveredAgainAndConcurrently_StartsOneRun()
    {
        var conversation = NewConversation();
        var activity = ActivityJson.Message("gated dev", "olivia", conversation: conversation);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => factory.PostActivityAsync(activity)));
        await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.IsPost() && x.Card().Contains("gated", StringComparison.Ordinal)), "the run card");
        var again = await factory.PostActivityAsync(activity);

        Assert.All(answers.Append(again), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var runs = (await Runs.ListRunsAsync(new RunQuery { Workflow = "gated", RequestedBy = "olivia", Take = 500 })).Runs.Where(r => r.ReplyTo == conversation).ToArray();
        Assert.True(runs.Length == 1, $"one run for one activity delivered five times; found {runs.Length}");
    }

    [Fact]
    public async Task Deploy_Approve_Finish_OneCardUpdatedInPlace_AndTheApproverIsMentioned()
    {
        var conversation = NewConversation();
        await factory.PostActivityAsync(ActivityJson.Message("gated prod", "olivia", conversation: conversation));
        var run = await WaitForRunAsync(conversation, RunStatus.WaitingForApproval);
        var sent = await factory.Connector.WaitAsync(conversation,
            r => r.Any(x => x.Card().Contains("Approve", StringComparison.Ordinal)) && r.Any(x => x.Mentioned() is not null), "the approval card and the mention");
        var cardId = await CardActivityIdAsync(run.Id);
        var mention = sent.First(x => x.Mentioned() is not null);
        Assert.Equal("mark", mention.Mentioned()!["mentioned"]!["id"]!.GetValue<string>());

        var refused = await ClickAsync("approve", run.Id, "olivia", cardId, conversation);
        Assert.Contains("ops-manager", refused, StringComparison.Ordinal);
        var approved = await ClickAsync("approve", run.Id, "mark", cardId, conversation);

        Assert.DoesNotContain("out of date", approved, StringComparison.Ordinal);
        await WaitForRunAsync(conversation, RunStatus.Succeeded);
        var all = await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.IsPut() && x.Card().Contains("Succeeded", StringComparison.Ordinal)), "the final card");
        var cardPosts = all.Where(x => x.IsPost() && x.Card().Contains(run.Id, StringComparison.Ordinal)).ToArray();
        Assert.True(cardPosts.Length == 1, $"one card per run, updated in place; it was posted {cardPosts.Length} times");
        Assert.All(all.Where(x => x.IsPut()), put => Assert.Equal(cardId, put.UpdatedId()));
        Assert.Contains("Mark", (await Runs.GetStepsAsync(run.Id)).Single(s => s.Name == "gate").Votes.Single().ActorName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfApproval_DoubleClick_AndStaleRound_AreRefusedWithWhy()
    {
        var conversation = NewConversation();
        await factory.PostActivityAsync(ActivityJson.Message("gated prod", "mark", conversation: conversation));
        var run = await WaitForRunAsync(conversation, RunStatus.WaitingForApproval);
        await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.IsPost() && x.Card().Length > 0), "the card");
        var cardId = await CardActivityIdAsync(run.Id);

        var self = await ClickAsync("approve", run.Id, "mark", cardId, conversation);
        var stale = await ClickAsync("approve", run.Id, "ada", cardId, conversation, round: "7");

        Assert.Contains("four-eyes", self, StringComparison.Ordinal);
        Assert.Contains("out of date", stale, StringComparison.Ordinal);
        Assert.Equal(RunStatus.WaitingForApproval, (await Runs.GetRunAsync(run.Id))!.Status);
        var history = string.Join("\n", (await Runs.GetHistoryAsync(run.Id)).Select(h => h.Reason));
        Assert.Contains("refused approve by Mark (mark)", history, StringComparison.Ordinal);

        await factory.PostActivityAsync(ActivityJson.Message($"cancel {run.Id} test over", "ada", conversation: conversation));
        await WaitForRunAsync(conversation, RunStatus.Cancelled);
        var late = await ClickAsync("approve", run.Id, "mark", cardId, conversation);
        Assert.Contains("no longer waiting", late, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickAfterTheApprovalTimedOut_IsRefused()
    {
        var conversation = NewConversation();
        await factory.PostActivityAsync(ActivityJson.Message("quick-gate", "olivia", conversation: conversation));
        var run = await WaitForRunAsync(conversation, RunStatus.WaitingForApproval);
        await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.IsPost() && x.Card().Length > 0), "the card");
        var cardId = await CardActivityIdAsync(run.Id);
        await WaitForRunAsync(conversation, status => status == RunStatus.Failed || StateMachine.IsTerminal(status));

        var late = await ClickAsync("approve", run.Id, "mark", cardId, conversation);

        Assert.Contains("no longer waiting", late, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingRun_CardNamesTheStepWithItsLog_ShowsTheRollback_AndMentionsTheRequester()
    {
        var conversation = NewConversation();
        await factory.PostActivityAsync(ActivityJson.Message("release web-app", "olivia", conversation: conversation));
        await WaitForRunAsync(conversation, RunStatus.RolledBack);

        var sent = await factory.Connector.WaitAsync(conversation,
            r => r.Any(x => x.IsPut() && x.Card().Contains("RolledBack", StringComparison.Ordinal) || x.Card().Contains("Rolled back", StringComparison.Ordinal))
                && r.Any(x => x.Mentioned() is not null), "the rolled-back card and the failure notice");
        var last = sent.Last(x => x.Card().Length > 0).Card();
        Assert.Contains("migrate", last, StringComparison.Ordinal);
        Assert.Contains("relation \\u0022orders\\u0022 already exists", last.Replace("\\\"", "\\u0022", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("applying 0042_orders.sql", last, StringComparison.Ordinal);
        Assert.Contains("prepare", last, StringComparison.Ordinal);
        var notice = sent.First(x => x.Mentioned() is not null);
        Assert.Equal("olivia", notice.Mentioned()!["mentioned"]!["id"]!.GetValue<string>());
        Assert.Contains("migrate", notice.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(sent, x => x.Text().Contains("   at ", StringComparison.Ordinal) || x.Card().Contains("   at ", StringComparison.Ordinal));
    }

    /// <summary>The activity id the host keeps for the run's card (what Teams would put in a button press's replyToId).</summary>
    private async Task<string> CardActivityIdAsync(string runId)
    {
        var chat = factory.Services.GetRequiredService<OpsFlow.Chat.IChatStore>();
        // The card's id is saved once the connector answers the card's POST.
        var card = await Wait.ForAsync(
            () => chat.GetRunCardAsync(runId),
            c => c?.ActivityId is not null,
            $"run {runId} to have a card with an activity id",
            factory.Connector.Arrived,
            TimeSpan.FromSeconds(10));
        return card!.ActivityId!;
    }

    private async Task<string> ClickAsync(string verb, string runId, string user, string cardId, string conversation, string round = "1")
    {
        var data = new JsonObject { ["runId"] = runId, ["step"] = "gate", ["round"] = round };
        var response = await factory.PostActivityAsync(ActivityJson.CardAction(verb, data, user, cardId, conversation));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private Task<RunRecord> WaitForRunAsync(string conversation, RunStatus status) =>
        WaitForRunAsync(conversation, s => s == status);

    private async Task<RunRecord> WaitForRunAsync(string conversation, Func<RunStatus, bool> status)
    {
        RunRecord? run = null;
        await Wait.UntilAsync(
            async () => (run = (await Runs.ListRunsAsync(new RunQuery { Take = 500 })).Runs.FirstOrDefault(r => r.ReplyTo == conversation)) is { } found && status(found.Status),
            $"the run started in {conversation} to reach the expected status",
            factory.RunChanged,
            TimeSpan.FromSeconds(15),
            () => Task.FromResult($"It is {run?.Status.ToString() ?? "not there"}."));
        return run!;
    }
}
