namespace OpsFlow.Teams.Tests.Commands;

/// <summary>docs/security.md, "Bounds": one person (or one conversation) cannot send commands faster than people read.</summary>
public sealed class CommandRateTests
{
    [Fact]
    public async Task ThePersonsTwentyFirstCommandInAMinute_IsAnsweredWithAWait_AndTheNextMinuteIsFree()
    {
        await using var chat = new ChatHarness();
        for (var i = 0; i < 20; i++)
        {
            await chat.SayAsync("/runs");
        }

        var answered = chat.Sent.Count;
        Assert.True(answered == 20, $"each of the first 20 commands is answered (a card), got {answered} answers");

        await chat.SayAsync("/deploy web-app v1");

        Assert.Contains("You have sent 20 commands this minute", chat.LastText, StringComparison.Ordinal);
        Assert.Equal(answered + 1, chat.Sent.Count);
        Assert.Empty(await chat.RunsAsync());

        chat.Clock.Advance(TimeSpan.FromMinutes(1));
        await chat.SayAsync("/deploy web-app v1");

        Assert.Single(await chat.RunsAsync());
    }

    [Fact]
    public async Task AnotherPerson_IsCountedApart()
    {
        await using var chat = new ChatHarness();
        for (var i = 0; i < 21; i++)
        {
            await chat.SayAsync("/runs");
        }

        await chat.SayAsync("/deploy web-app v1", from: ChatHarness.Viewer);

        Assert.DoesNotContain("this minute", chat.LastText, StringComparison.Ordinal);
    }
}
