using Microsoft.Playwright;
using OpsFlow.Bot.Playground;

namespace OpsFlow.Playground.Tests;

/// <summary>
/// One host, one fresh Agents Playground pointed at it (own port, own temp working folder) and one browser for a
/// test class: starting them is most of the time. Tests open their own pages and use their own conversations.
/// </summary>
public sealed class PlaygroundFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private PlaygroundProcess? _playground;

    public PlaygroundHost Host { get; private set; } = null!;

    public Browser Browser { get; } = new(width: 1400, height: 900);

    public PlaygroundApi Api { get; private set; } = null!;

    public PlaygroundEvents Events { get; private set; } = null!;

    public PlaygroundConfig Config { get; private set; } = null!;

    public string PlaygroundUrl => _playground!.Url;

    public async Task InitializeAsync()
    {
        // Two shared cores run the build, the host, node and Chromium at once, beside the other test projects' host
        // processes (the crash harness, the cluster test); Playwright's 5 s proved too short there, and once 20 s did.
        Assertions.SetDefaultExpectTimeout(45_000);
        var problem = PlaygroundProcess.FindProblem(Repository.PlaygroundPackage);
        Assert.True(problem is null, $"{problem} Build src/OpsFlow.Bot (it runs npm ci there) or run `npm ci` in {Repository.PlaygroundPackage}.");

        Host = new PlaygroundHost();
        _playground = PlaygroundProcess.Start(Repository.PlaygroundPackage, Host.MessagesUrl, PlaygroundHost.FreePort(), Path.Combine(Host.Folder, "playground"));
        await _playground.WaitUntilReadyAsync(TimeProvider.System, StartTimeout, CancellationToken.None);
        Api = new PlaygroundApi(_playground.Url);
        Config = await Api.ConfigAsync();
        Events = await PlaygroundEvents.ConnectAsync(_playground.Url, CancellationToken.None);
        await Browser.InitializeAsync();
    }

    /// <summary>The Playground's UI in a new page, on <paramref name="conversation"/>.</summary>
    public async Task<ChatPage> OpenChatAsync(string conversation = ChatPage.PersonalChat)
    {
        var chat = new ChatPage(await Browser.OpenAsync());
        await chat.LoadAsync(PlaygroundUrl);
        await chat.OpenConversationAsync(conversation);
        return chat;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (Events is not null)
        {
            await Events.DisposeAsync();
        }

        Api?.Dispose();
        if (_playground is not null)
        {
            await _playground.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlaygroundCollection : ICollectionFixture<PlaygroundFixture>
{
    public const string Name = "playground";
}
