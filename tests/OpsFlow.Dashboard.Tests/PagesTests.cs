using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OpsFlow.Dashboard.Tests;

/// <summary>The runs, workflows and reports pages.</summary>
[Collection(DashboardCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class PagesTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task TheRunsPage_Filters_AndABadFilterIsAMessageNotAnErrorPage()
    {
        var id = await fixture.StartAsync("olivia", "gated", new { env = "dev" });
        var page = await fixture.Browser.OpenAsync("olivia");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs?workflow=gated");
        await Expect(page.Locator($"tr[data-run='{id}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#dev-banner")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "runs");

        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs?status=bogus&from=yesterday");
        await Expect(page.Locator(".msg-error")).ToContainTextAsync("status must be one of");
        await Expect(page.Locator(".msg-error")).ToContainTextAsync("from must be a date");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task AnAdmin_CallsTheEmergencyStopFromTheRunsPage_EveryoneSeesIt_AndTheAdminLiftsIt()
    {
        var admin = await fixture.Browser.OpenAsync("ada");
        try
        {
            await admin.GotoAsync($"{fixture.Host.BaseUrl}/runs");
            var stop = admin.GetByTestId("emergency-stop");
            await stop.Locator("summary").ClickAsync();
            await stop.Locator("input[name='stop-reason']").FillAsync("database failover");
            await stop.Locator("button[data-action='stop-all']").ClickAsync();
            await Expect(admin.GetByTestId("emergency-stop")).ToContainTextAsync("Emergency stop in force");
            await Expect(admin.GetByTestId("emergency-stop")).ToContainTextAsync("database failover");
            await Browser.ScreenshotAsync(admin, "runs-emergency-stop");

            var viewer = await fixture.Browser.OpenAsync("olivia");
            await viewer.GotoAsync($"{fixture.Host.BaseUrl}/runs");
            await Expect(viewer.GetByTestId("emergency-stop")).ToContainTextAsync("Called by");
            await Expect(viewer.Locator("button[data-action='resume-all']")).ToHaveCountAsync(0);
            await viewer.Context.CloseAsync();

            await admin.Locator("button[data-action='resume-all']").ClickAsync();
            await Expect(admin.Locator(".msg-ok")).ToContainTextAsync("Emergency stop lifted");
            Assert.Contains("\"active\":false", await fixture.Http.GetStringAsync("/api/emergency-stop"), StringComparison.Ordinal);
        }
        finally
        {
            // Whatever failed above, the other tests of this host must be able to start runs.
            using var lift = new HttpRequestMessage(HttpMethod.Delete, "/api/emergency-stop");
            lift.Headers.Add("X-OpsFlow-User", "ada");
            using var _ = await fixture.Http.SendAsync(lift);
            await admin.Context.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task TheStartForm_ShowsTheApisValidationErrorNextToTheField_ThenStartsTheRun()
    {
        var page = await fixture.Browser.OpenAsync("olivia");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/workflows");
        var form = page.Locator("form[data-start='gated']");
        await form.Locator("button[type='submit']").ClickAsync();
        await Expect(form.Locator("[data-error-for='env']")).ToContainTextAsync("is required");
        await Browser.ScreenshotAsync(page, "workflows-validation");

        await form.Locator("select[name='env']").SelectOptionAsync("dev");
        await form.Locator("button[type='submit']").ClickAsync();
        // The page navigates with the History API: no load event comes, so poll the address instead.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs/[a-z0-9]+$"));
        await Expect(page.GetByTestId("run-status")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task TheReportsPage_ShowsTheNumbersOfASeededHistory()
    {
        var runs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await fixture.StartAsync("olivia", "tally", new { }));
        }

        for (var i = 0; i < 2; i++)
        {
            runs.Add(await fixture.StartAsync("olivia", "broken", new { }));
        }

        foreach (var run in runs)
        {
            await WaitForAsync(async () => await fixture.StatusAsync(run) is "Succeeded" or "Failed", $"run {run} to end");
        }

        var page = await fixture.Browser.OpenAsync();
        await page.GotoAsync($"{fixture.Host.BaseUrl}/reports");

        // Columns: workflow, runs, success rate, average duration, last run.
        var usage = page.GetByTestId("workflow-usage");
        var tally = usage.Locator("tr", new() { HasText = "tally" }).Locator("td");
        await Expect(tally.Nth(1)).ToHaveTextAsync("3");
        await Expect(tally.Nth(2)).ToHaveTextAsync("100.0 %");
        var broken = usage.Locator("tr", new() { HasText = "broken" }).Locator("td");
        await Expect(broken.Nth(1)).ToHaveTextAsync("2");
        await Expect(broken.Nth(2)).ToHaveTextAsync("0.0 %");
        var failure = page.GetByTestId("failures").Locator("tr", new() { HasText = "broken" });
        await Expect(failure).ToContainTextAsync("disk full");
        await Expect(failure.Locator("td.num")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("monthly")).ToContainTextAsync("broken");
        await Browser.ScreenshotAsync(page, "reports");
        await page.Context.CloseAsync();
    }

    private Task WaitForAsync(Func<Task<bool>> condition, string what) =>
        Wait.UntilAsync(condition, what, fixture.Host.RunChanged, poll: TimeSpan.FromMilliseconds(100));

    [BrowserFact]
    public async Task TheNodesPage_ListsTheInventory_AndATagNarrowsIt()
    {
        var page = await fixture.Browser.OpenAsync("victor");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/nodes");
        await Expect(page.Locator("tr[data-node]")).ToHaveCountAsync(2);
        await Expect(page.Locator("tr[data-node='db-1']")).ToContainTextAsync("10.0.0.21:2222");
        await Browser.ScreenshotAsync(page, "nodes");

        await page.Locator("tr[data-node='web-1'] a.chip", new() { HasTextString = "web" }).ClickAsync();

        await Expect(page.Locator("tr[data-node]")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-node='web-1']")).ToContainTextAsync("deploy");
        Assert.EndsWith("/nodes?tag=web", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
