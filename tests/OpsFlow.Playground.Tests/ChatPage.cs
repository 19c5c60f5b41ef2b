using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OpsFlow.Playground.Tests;

/// <summary>
/// The Playground's web UI in a browser page, acting as its current user (user-id-0): pick a conversation, type
/// a message (with the @mention a group chat needs), wait for text, press a card button, take a screenshot.
/// </summary>
public sealed class ChatPage(IPage page)
{
    public const string PersonalChat = "Personal Chat";
    public const string GroupChat = "Group Chat";

    private string _conversation = PersonalChat;

    public IPage Page => page;

    /// <summary>
    /// Opens the Playground's UI and waits until it has its configuration. Loading it (once, a moment after the page
    /// shows) makes the personal chat the open conversation and rebuilds the group chats: a conversation opened before
    /// it is silently swapped for the personal chat, where the @ menu lists nobody (the cause of "the @ menu never
    /// opens": Deploy_InTheGroupChat typed its mention into the personal chat; read in the UI's bundle, whose config
    /// reducer sets the active conversation to the personal chat).
    /// </summary>
    public async Task LoadAsync(string url) =>
        await page.RunAndWaitForResponseAsync(
            () => page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded }),
            response => response.Url.Contains("/_internal/v1/config", StringComparison.Ordinal) && response.Ok);

    /// <summary>Opens a conversation by its name in the left rail ("Personal Chat", "Group Chat", "Operations - Deployments").</summary>
    public async Task OpenConversationAsync(string name)
    {
        _conversation = name;
        await page.GetByRole(AriaRole.Treeitem, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(Box).ToBeVisibleAsync();
    }

    /// <summary>Types <paramref name="text"/> and sends it; with <paramref name="mentionBot"/> it first picks the bot from the @ menu.</summary>
    public async Task SendAsync(string text, bool mentionBot = false)
    {
        await Box.ClickAsync();
        if (mentionBot)
        {
            // The bot is the @ menu's first entry; before the UI has loaded its configuration it is listed under a
            // built-in name ("Test Bot"), so it is picked by position. A bot matches the mention by id, not by name.
            await Box.PressSequentiallyAsync("@");
            await OpenMentionMenuAsync();
            await page.GetByRole(AriaRole.Menuitem).First.ClickAsync();
            await Box.PressSequentiallyAsync(" ");
        }

        await Box.PressSequentiallyAsync(text);
        await page.Keyboard.PressAsync("Enter");
    }

    /// <summary>
    /// Waits until the @ menu lists someone. The Playground searches the conversation's members when the text after "@"
    /// changes, not when the members arrive (its mention plugin's search effect depends on the query alone), so an "@"
    /// typed before they loaded opens a menu that stays empty: the test waited 30 s for a menu item that never came.
    /// While the page shows the menu empty, the mention is typed again from an empty box with its query changed and
    /// changed back, which runs the search over the members loaded by then.
    /// </summary>
    private async Task OpenMentionMenuAsync()
    {
        var item = page.GetByRole(AriaRole.Menuitem).First;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await item.WaitForAsync(new() { Timeout = 2_000 });
                return;
            }
            catch (TimeoutException ex) when (attempt >= 15)
            {
                throw new TimeoutException($"The @ menu listed nobody after {attempt} tries. {await DescribeAsync()}", ex);
            }
            catch (TimeoutException)
            {
                // Start the mention again from an empty box: an "@" typed before the editor was ready is lost, and the
                // menu searches only when its query changes (the same empty query after a retyped "@" searched nothing
                // in 15 tries on 6 December). "@o" then a deletion types the trigger afresh and changes the query
                // twice, so the members loaded by now are searched.
                // And open the conversation again, in case something (the configuration, above) switched it.
                await page.GetByRole(AriaRole.Treeitem, new() { Name = _conversation, Exact = true }).ClickAsync();
                await Box.ClickAsync();
                await page.Keyboard.PressAsync("Control+A");
                await page.Keyboard.PressAsync("Backspace");
                await Box.PressSequentiallyAsync("@o");
                await page.Keyboard.PressAsync("Backspace");
            }
        }
    }

    /// <summary>What the page shows when the @ menu does not come: the box's text, the menu's parts, a screenshot.</summary>
    private async Task<string> DescribeAsync()
    {
        var shot = Path.Combine(Repository.Screenshots, $"playground-mention-failed-{Guid.NewGuid():n}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        var boxes = await page.Locator("div[contenteditable=\"true\"][role=\"textbox\"]").CountAsync();
        var text = await Box.InnerTextAsync();
        var typeahead = await page.Locator("#typeahead-menu").CountAsync();
        var items = await page.GetByRole(AriaRole.Menuitem).CountAsync();
        var focused = await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'none'");
        var selected = await page.EvaluateAsync<string>("() => Array.from(document.querySelectorAll('[role=treeitem][aria-selected=true], [role=treeitem][aria-current]')).map(e => e.textContent).join(' | ') || 'none marked'");
        return $"Meant to be in '{_conversation}'; tree items marked selected: {selected}. Text boxes: {boxes}; the first holds '{text}'; "
            + $"typeahead anchors: {typeahead}; menu items: {items}; focus on {focused}; screenshot {shot}.";
    }

    public Task ExpectTextAsync(string text) => Expect(page.GetByText(text).First).ToBeVisibleAsync();

    public Task ExpectTextAsync(Regex text) => Expect(page.GetByText(text).First).ToBeVisibleAsync();

    /// <summary>Waits until no element's whole text is <paramref name="text"/> (case-sensitive), e.g. a status that must be gone.</summary>
    public Task ExpectNoTextAsync(string text) => Expect(page.GetByText(text, new() { Exact = true })).ToHaveCountAsync(0);

    /// <summary>How many times <paramref name="text"/> is on screen: a card updated in place shows it once.</summary>
    public Task<int> CountAsync(string text) => page.GetByText(text).CountAsync();

    /// <summary>Presses the newest button named <paramref name="name"/> (a card's Action.Execute or Action.Submit).</summary>
    public Task PressAsync(string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).Last.ClickAsync();

    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Repository.Screenshots, $"playground-{name}.png"), FullPage = true });

    private ILocator Box => page.Locator("div[contenteditable=\"true\"][role=\"textbox\"]").First;
}
