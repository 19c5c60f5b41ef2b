using static Microsoft.Playwright.Assertions;

namespace OpsFlow.Playground.Tests;

/// <summary>The Playground comes up against the real host, shows its chats, and the host accepts what it sends.</summary>
[Collection(PlaygroundCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class PlaygroundTests(PlaygroundFixture fixture)
{
    [BrowserFact]
    public async Task ThePlayground_OpensItsChats_AndTheHostAnswersEveryActivityItSends()
    {
        Assert.Equal("OpsFlow", fixture.Config.BotName);
        Assert.Equal("user-id-0", fixture.Config.CurrentUserId);
        Assert.Contains("user-id-1", fixture.Config.OtherUserIds);

        var chat = await fixture.OpenChatAsync(ChatPage.PersonalChat);
        await chat.SendAsync("help");
        await Expect(chat.Page.GetByText("help").First).ToBeVisibleAsync();
        await chat.OpenConversationAsync(ChatPage.GroupChat);
        await chat.SendAsync("help", mentionBot: true);
        await chat.ScreenshotAsync("opened");

        var requests = await WaitForAsync(() => fixture.Host.Messages.Requests, r =>
            r.Any(m => m.Type == "message" && m.ConversationId == fixture.Config.PersonalChatId)
            && r.Any(m => m.Type == "message" && m.ConversationId == fixture.Config.GroupChatId));
        Assert.Contains(requests, r => r.Type is "conversationUpdate" or "installationUpdate");
        var refused = requests.Where(r => r.Status is < 200 or >= 300).ToList();
        Assert.True(refused.Count == 0, "the host refused: " + string.Join(", ", refused));
        Assert.All(requests.Where(r => r.Type == "message"), r => Assert.Equal("user-id-0", r.FromId));
        await chat.Page.Context.CloseAsync();
    }

    private static Task<IReadOnlyList<BotRequest>> WaitForAsync(Func<IReadOnlyList<BotRequest>> read, Func<IReadOnlyList<BotRequest>, bool> done) =>
        Wait.ForAsync(() => Task.FromResult(read()), done, "the Playground's requests to the host", within: TimeSpan.FromSeconds(30), poll: TimeSpan.FromMilliseconds(200));
}
