using OpsFlow.Teams.Cards;
using Xunit.Sdk;

namespace OpsFlow.Teams.Tests.Cards;

/// <summary>Every run card state, checked by the official adaptivecards library plus our Teams rules.</summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class CardValidationTests
{
    [Fact]
    public async Task RunCard_InEveryState_IsValidAdaptiveCard15ForTeams()
    {
        var cards = RunCardSamples.All().Select(s => (s.Name, RunCardBuilder.Build(s.View))).ToArray();

        Assert.Equal(17, cards.Length);
        await CardValidator.AssertValidAsync(cards);
    }

    [Fact]
    public async Task Validator_BrokenCards_ExitsOneAndNamesEachProblem()
    {
        var oversized = $$"""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"{{new string('x', 29_000)}}"}]}""";
        var (exitCode, output) = await CardValidator.ValidateAsync(
        [
            ("no-verb", """{"type":"AdaptiveCard","version":"1.5","body":[],"actions":[{"type":"Action.Execute","title":"Go"}]}"""),
            ("duplicate-id", """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","id":"a","text":"x"},{"type":"TextBlock","id":"a","text":"y"}]}"""),
            ("input-without-id", """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text","label":"Why"}]}"""),
            ("too-new", """{"type":"AdaptiveCard","version":"1.6","body":[{"type":"TextBlock","text":"x"}]}"""),
            ("unknown-element", """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlok","text":"x"}]}"""),
            ("oversized", oversized),
            ("fine", """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"x"}]}"""),
        ]);

        Assert.True(exitCode == 1, $"expected exit 1, got {exitCode}:\n{output}");
        foreach (var expected in new[] { "has no verb", "id \"a\" is used already", "Input.Text has no id", "version 1.6 is above 1.5", "TextBlok", "bytes; Teams' limit", "fine.json: OK", "1 of 7 cards valid" })
        {
            Assert.True(output.Contains(expected, StringComparison.Ordinal), $"the report should say '{expected}':\n{output}");
        }
    }

    [Fact]
    public async Task EveryReplyCard_PassesTheOfficialLibrary()
    {
        var cards = OpsFlow.Teams.Tests.Commands.ReplyCardSamples.All();

        Assert.True(cards.Count >= 17, $"every kind of reply card is sampled; got {cards.Count}");
        await CardValidator.AssertValidAsync(cards);
    }

    [Fact]
    public async Task AssertValidAsync_TypedCardWithEmptyVerb_FailsWithNodesReport()
    {
        var broken = new AdaptiveCard { Body = [new TextBlock("x")], Actions = [new ExecuteAction("Go", "", new Dictionary<string, string>())] };

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => CardValidator.AssertValidAsync([("broken", broken)]));

        Assert.Contains("has no verb", failure.Message, StringComparison.Ordinal);
    }
}
