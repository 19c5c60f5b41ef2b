using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Playground.Tests;

/// <summary>
/// The product's chat story through the real client: a run started by typing, one card per run updated in place,
/// approval by another person, four-eyes, rollback. The UI acts as the requester (user-id-0, Alex, operator); the
/// Playground's API acts as the approver (user-id-1, Megan, ops-manager) in the same group chat.
/// </summary>
[Collection(PlaygroundCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class ChatFlowTests(PlaygroundFixture fixture)
{
    private static readonly TimeSpan Build = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Shown = TimeSpan.FromSeconds(30);

    [BrowserFact]
    public async Task Deploy_InTheGroupChat_TheRequesterMayNotApprove_AnotherUserDoes_AndTheOneCardEndsSucceeded()
    {
        var group = fixture.Config.GroupChatId;
        var chat = await fixture.OpenChatAsync(ChatPage.GroupChat);
        await chat.SendAsync("deploy web-app v1.2 prod", mentionBot: true);

        var run = await fixture.Host.WaitForRunAsync("deploy", group, Shown);
        var card = await fixture.Events.WaitForAsync(m => m.Action == "createMessage" && m.Mentions(run.Id), Shown, $"with the card of run {run.Id}");
        var waiting = await fixture.Events.WaitForAsync(
            m => m.MessageId == card.MessageId && PlaygroundApi.FindAction(m, "Approve") is not null, Build, "with the card's Approve button");
        await chat.ExpectTextAsync("Waiting for approval");
        await chat.ScreenshotAsync("deploy-waiting");

        // Alex started the run: his click is refused and changes nothing (four-eyes).
        await chat.PressAsync("Approve");
        await chat.ExpectTextAsync("four-eyes");
        Assert.Equal(RunStatus.WaitingForApproval, (await fixture.Host.WaitForStatusAsync(run.Id, Shown, RunStatus.WaitingForApproval)).Status);

        await fixture.Api.PressAsAsync("user-id-1", group, waiting, "Approve");
        await fixture.Host.WaitForStatusAsync(run.Id, Build, RunStatus.Succeeded);
        await fixture.Events.WaitForAsync(
            m => m.MessageId == card.MessageId && m.Action == "updateMessage" && m.Mentions("succeeded") && !m.Mentions("running") && !m.Mentions("pending"),
            Shown, "updating the card to its final state");
        await chat.ExpectTextAsync("approved by Megan Bowen");
        await chat.ExpectNoTextAsync("Running");
        await chat.ExpectNoTextAsync("running");
        await chat.ScreenshotAsync("deploy-succeeded");

        var cardsOfRun = fixture.Events.Messages.Where(m => m.Action == "createMessage" && m.ConversationId == group && m.Cards.Count > 0 && m.CardText.Contains(run.Id, StringComparison.Ordinal)).ToList();
        Assert.True(cardsOfRun.Count == 1, $"one card per run, updated in place; the chat got {cardsOfRun.Count}");
        Assert.DoesNotContain(fixture.Events.Messages, m => m.ConversationId != group && m.Mentions(run.Id));
        await chat.Page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task ADeployWhoseHealthCheckFails_ShowsTheRollbackOnItsCard()
    {
        var personal = fixture.Config.PersonalChatId;
        var chat = await fixture.OpenChatAsync(ChatPage.PersonalChat);
        await chat.SendAsync("deploy drill-app v2.0 dev drill=true");

        var run = await fixture.Host.WaitForRunAsync("deploy", personal, Shown);
        var card = await fixture.Events.WaitForAsync(m => m.Action == "createMessage" && m.Mentions(run.Id), Shown, $"with the card of run {run.Id}");
        var ended = await fixture.Host.WaitForStatusAsync(run.Id, Build, RunStatus.RolledBack, RunStatus.Failed, RunStatus.Succeeded);
        Assert.Equal(RunStatus.RolledBack, ended.Status);

        await fixture.Events.WaitForAsync(m => m.MessageId == card.MessageId && m.Mentions("rolled back") && !m.Mentions("running"), Shown, "updating the card to rolled back");
        await chat.ExpectTextAsync("Rollback");
        await chat.ExpectTextAsync("health-check");
        await chat.ScreenshotAsync("deploy-rolled-back");
        await chat.Page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task ADeployStartedFromTheDashboard_AsksForItsApprovalInTheGroupChat_WhereAnotherUserApproves()
    {
        var group = fixture.Config.GroupChatId;
        // The bot learns how to reach the group chat from its first message there (Teams: the install event).
        await fixture.Api.SendAsAsync("user-id-2", group, "help", mentionBot: true);
        await fixture.Events.WaitForAsync(m => m.Action == "createMessage" && m.Mentions("post their card in the default conversation"), Shown, "with /help saying where runs from elsewhere go");

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{fixture.Host.BaseUrl}/api/runs")
        {
            Content = new StringContent("""{"workflow":"deploy","parameters":{"app":"dash-app","version":"v1.3","env":"prod"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-OpsFlow-User", "user-id-0");
        request.Headers.Add("X-OpsFlow-Client", "dashboard");
        using var started = await http.SendAsync(request);
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.IsSuccessStatusCode, $"{started.StatusCode}: {body}");
        var runId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("run").GetProperty("id").GetString()!;

        var waiting = await fixture.Events.WaitForAsync(
            m => m.Mentions(runId) && PlaygroundApi.FindAction(m, "Approve") is not null, Build, $"with the Approve button of run {runId}");
        var card = await fixture.Host.Services.GetRequiredService<OpsFlow.Chat.IChatStore>().GetRunCardAsync(runId);
        Assert.True(card?.ConversationId == group, $"the card of a run started from the dashboard belongs in the default conversation, not {card?.ConversationId}");
        Assert.True(waiting.Mentions("Approving lets this run"), "the approval shows what it lets run");

        await fixture.Api.PressAsAsync("user-id-1", group, waiting, "Approve");
        // How the deploy itself ends is the other tests' concern (this app shares their port); the run must end, so the
        // app it started is stopped, and the approval must have been Megan's, given in the group chat.
        await fixture.Host.WaitForStatusAsync(runId, Build, RunStatus.Succeeded, RunStatus.RolledBack, RunStatus.Failed);
        var history = await fixture.Host.Services.GetRequiredService<IRunStore>().GetHistoryAsync(runId);
        Assert.Contains(history, h => h.Step == "prod-approval" && h.Reason.StartsWith("approved by Megan Bowen on plan ", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task AnApprover_GetsTheApprovalInTheir1on1Chat_AndWhenAnotherDecidesInTheGroupChat_TheCopyShowsTheDecision()
    {
        var group = fixture.Config.GroupChatId;
        // The bot learns the group chat, and how to reach Alex, from their messages (Teams: the install event, any message).
        await fixture.Api.SendAsAsync("user-id-0", group, "help", mentionBot: true);
        var people = fixture.Host.Services.GetRequiredService<OpsFlow.Chat.IPersonalChats>();
        await Wait.UntilAsync(async () => await people.FindUserAsync(OpsFlow.Chat.ChatNameKind.UserId, "user-id-0") is not null, "the bot to remember Alex", poll: TimeSpan.FromMilliseconds(200));

        // Megan (admin) starts a prod deploy over the API: its approvers are the ops managers, Alex among them.
        var runId = await StartOverTheApiAsync("user-id-1", """{"workflow":"deploy","parameters":{"app":"copy-app","version":"v1.4","env":"prod"}}""");

        var copy = await fixture.Events.WaitForAsync(
            m => m.Action == "createMessage" && m.ConversationId is { } where && where != group && m.Mentions(runId) && PlaygroundApi.FindAction(m, "Approve") is not null,
            Build, $"with Alex's own copy of the approval of run {runId}, in a 1:1 chat");
        var waiting = await fixture.Events.WaitForAsync(
            m => m.ConversationId == group && m.Mentions(runId) && PlaygroundApi.FindAction(m, "Approve") is not null, Shown, $"with the Approve button of run {runId} in the group chat");

        // Rejected, not approved: an approved deploy would leave copy-app running on the port the other deploys share.
        await fixture.Api.PressAsAsync("user-id-2", group, waiting, "Reject");

        var redrawn = await fixture.Events.WaitForAsync(
            m => m.MessageId == copy.MessageId && m.Action == "updateMessage" && m.Mentions("rejected by Adele Vance"),
            Shown, "redrawing Alex's copy in place with Adele's decision");
        Assert.True(PlaygroundApi.FindAction(redrawn, "Approve") is null, $"a decided approval offers no Approve button any more: {redrawn.CardText}");
        await fixture.Host.WaitForStatusAsync(runId, Build, RunStatus.Failed, RunStatus.RolledBack, RunStatus.Cancelled);
        // The copy is closed in the store just after its redraw is sent: wait for that state, not for the redraw (K1).
        var copies = await Wait.ForAsync(
            () => people.GetCopiesAsync(runId),
            all => all.Any(c => c.UserId == "user-id-0" && c.ClosedAt is not null),
            "Alex's copy to be recorded and closed",
            describe: async () => string.Join(", ", await people.GetCopiesAsync(runId)),
            poll: TimeSpan.FromMilliseconds(200));
        Assert.DoesNotContain(copies, c => c.UserId == "user-id-1");
    }

    [BrowserFact]
    public async Task ARollbackThatFails_IsNewsInTheGroupChat_NamingWhatWasNotUndone_AndMentioningTheRequesterAndTheAdmins()
    {
        var group = fixture.Config.GroupChatId;
        await fixture.Api.SendAsAsync("user-id-2", group, "help", mentionBot: true);
        await fixture.Events.WaitForAsync(m => m.Action == "createMessage" && m.Mentions("post their card in the default conversation"), Shown, "with /help in the group chat");

        // Megan is the admin: only an admin may sound a needs-human drill.
        var runId = await StartOverTheApiAsync("user-id-1", """{"workflow":"notice-drill","parameters":{"outcome":"needs-human"}}""");

        var notice = await fixture.Events.WaitForAsync(
            m => m.Action == "createMessage" && m.ConversationId == group && m.Text is { } text && text.Contains($"Run {runId} (notice-drill) needs a human", StringComparison.Ordinal),
            Build, $"with run {runId}'s failed rollback as news");
        Assert.True(notice.Text!.Contains("could not undo prepare", StringComparison.Ordinal), $"the notice names the step not undone: {notice.Text}");
        Assert.True(notice.Text.Contains("user-id-1", StringComparison.Ordinal) || notice.Text.Contains("Megan", StringComparison.Ordinal), $"the notice mentions the requester, an admin: {notice.Text}");
        await fixture.Events.WaitForAsync(
            m => m.ConversationId == group && m.Mentions(runId) && m.Cards.Count > 0 && m.Mentions("compensation failed"),
            Shown, $"with run {runId}'s card saying its compensation failed");
    }

    [BrowserFact]
    public async Task RunAgain_OnAnEndedRunsCard_StartsANewRunWithItsParameters_WhoseCardFollowsInTheSameChat()
    {
        var group = fixture.Config.GroupChatId;
        await fixture.Api.SendAsAsync("user-id-0", group, "notice-drill outcome=warnings", mentionBot: true);
        var first = await fixture.Host.WaitForRunAsync("notice-drill", group, Shown);
        var ended = await fixture.Events.WaitForAsync(
            m => m.ConversationId == group && m.Mentions(first.Id) && PlaygroundApi.FindAction(m, "Run again") is not null,
            Shown, $"with run {first.Id}'s card offering Run again once it ended");
        Assert.True(PlaygroundApi.FindAction(ended, "Pause") is null && PlaygroundApi.FindAction(ended, "Cancel run") is null, $"an ended run offers no Pause or Cancel: {ended.CardText}");

        var answer = await fixture.Api.PressAsAsync("user-id-2", group, ended, "Run again");
        Assert.Contains("Not started", answer.GetRawText(), StringComparison.Ordinal);
        await fixture.Api.PressAsAsync("user-id-0", group, ended, "Run again");

        var second = await Wait.ForAsync(
            async () => (await fixture.Host.Services.GetRequiredService<IRunStore>().ListRunsAsync(new RunQuery { Workflow = "notice-drill", Take = 20 })).Runs,
            runs => runs.Any(r => r.Trigger == $"chat (again of {first.Id})"),
            $"a run of notice-drill started again from run {first.Id}", poll: TimeSpan.FromMilliseconds(200));
        var again = second.First(r => r.Trigger == $"chat (again of {first.Id})");
        Assert.Equal(first.Parameters.OrderBy(p => p.Key), again.Parameters.OrderBy(p => p.Key));
        await fixture.Events.WaitForAsync(
            m => m.Action == "createMessage" && m.ConversationId == group && m.Cards.Count > 0 && m.Mentions(again.Id), Shown, $"with the card of run {again.Id} in the group chat");
    }

    [BrowserFact]
    public async Task AnInspectionStartedOverTheApi_ThatFindsAFullDisk_EndsAmberInTheGroupChat_AndSaysWhatItFound()
    {
        var group = fixture.Config.GroupChatId;
        await fixture.Api.SendAsAsync("user-id-2", group, "help", mentionBot: true);
        await fixture.Events.WaitForAsync(m => m.Action == "createMessage" && m.Mentions("post their card in the default conversation"), Shown, "with /help in the group chat");

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{fixture.Host.BaseUrl}/api/runs")
        {
            // Every disk here is more than 1% full: the disk check must warn.
            Content = new StringContent("""{"workflow":"inspect","parameters":{"disk-warn-percent":"1"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-OpsFlow-User", "user-id-0");
        using var started = await http.SendAsync(request);
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.IsSuccessStatusCode, $"{started.StatusCode}: {body}");
        var runId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("run").GetProperty("id").GetString()!;

        var card = await fixture.Events.WaitForAsync(
            m => m.Mentions(runId) && m.Mentions("Succeeded with warnings"), Build, $"with the card of run {runId} ending amber");
        Assert.True(card.Mentions("Findings:") && card.Mentions("over 1%"), $"the card lists the disk finding: {card.CardText}");
        var notice = await fixture.Events.WaitForAsync(
            m => m.Action == "createMessage" && m.Text is { } text && text.Contains($"{runId} of inspect succeeded with warnings", StringComparison.Ordinal),
            Shown, $"with the findings of run {runId} as news");
        Assert.Contains("disk:", notice.Text, StringComparison.Ordinal);
    }

    private async Task<string> StartOverTheApiAsync(string userId, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{fixture.Host.BaseUrl}/api/runs")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-OpsFlow-User", userId);
        using var started = await http.SendAsync(request);
        var answer = await started.Content.ReadAsStringAsync();
        Assert.True(started.IsSuccessStatusCode, $"{started.StatusCode}: {answer}");
        return System.Text.Json.JsonDocument.Parse(answer).RootElement.GetProperty("run").GetProperty("id").GetString()!;
    }
}
