using System.Text.Json;
using OpsFlow.Engine.Model;

namespace OpsFlow.Dashboard.Tests;

/// <summary>
/// The dashboard draws statuses and durations as the card and the command line do: the statuses come from the engine's
/// <see cref="StatusVocabulary"/> through /api/vocabulary.js, and the page's duration formatting agrees with
/// <see cref="DurationText"/>, checked in the real browser the pages run in.
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class VocabularyTests(DashboardFixture fixture)
{
    private static readonly double[] Milliseconds = [0, 1, 850, 999, 1000, 1049, 12_500, 59_000, 60_000, 61_000, 200_000, 3_599_000, 3_600_000, 3_900_000, 90_061_000];

    [BrowserFact]
    public async Task ThePagesStatuses_AreTheEnginesVocabulary()
    {
        var page = await fixture.Browser.OpenAsync("olivia");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs");

        var served = await page.EvaluateAsync<JsonElement>("import('/js/status.js').then(m => ({ run: Object.fromEntries(m.RUN_STATUSES.map(s => [s, m.runLook(s)])), approval: m.stepLook('Waiting', 'Approval'), retry: m.stepLook('Waiting', 'Action'), terminal: [...m.TERMINAL] }))");

        foreach (var status in Enum.GetValues<RunStatus>())
        {
            var look = served.GetProperty("run").GetProperty(status.ToString());
            var expected = StatusVocabulary.Of(status);
            Assert.True(look.GetProperty("symbol").GetString() == expected.Symbol && look.GetProperty("label").GetString() == expected.Label,
                $"{status}: the page shows {look}, the engine says {expected}");
        }

        Assert.Equal(StatusVocabulary.Of(StepStatus.Waiting, waitsForPeople: true).Symbol, served.GetProperty("approval").GetProperty("symbol").GetString());
        Assert.Equal("approval", served.GetProperty("approval").GetProperty("tone").GetString());
        Assert.Equal(StatusVocabulary.Of(StepStatus.Waiting).Label, served.GetProperty("retry").GetProperty("label").GetString());
        Assert.Equal(
            Enum.GetValues<RunStatus>().Where(StateMachine.IsTerminal).Select(s => s.ToString()).Order(),
            served.GetProperty("terminal").EnumerateArray().Select(e => e.GetString()!).Order());
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task ThePagesDurations_ReadAsTheCardsAndTheCommandLines()
    {
        var page = await fixture.Browser.OpenAsync("olivia");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs");

        var shown = await page.EvaluateAsync<string[]>($"import('/js/dom.js').then(m => {JsonSerializer.Serialize(Milliseconds)}.map(m.formatDuration))");

        for (var i = 0; i < Milliseconds.Length; i++)
        {
            var expected = DurationText.Of(TimeSpan.FromMilliseconds(Milliseconds[i]));
            Assert.True(shown[i] == expected, $"{Milliseconds[i]} ms: the page writes '{shown[i]}', the engine '{expected}'");
        }

        await page.Context.CloseAsync();
    }
}
