using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OpsFlow.Dashboard.Tests;

/// <summary>The audit page: for admins only, filters, export, chain check; and the dashboard's clicks recorded as such.</summary>
[Collection(DashboardCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed partial class AuditPageTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task AStartFromTheDashboard_IsListedForAnAdminAsViaDashboard_AndTheFiltersExportAndVerifyWork()
    {
        // olivia starts a run with the dashboard's own form: its call carries X-OpsFlow-Client: dashboard.
        var olivia = await fixture.Browser.OpenAsync("olivia", $"{fixture.Host.BaseUrl}/workflows");
        await Expect(olivia.Locator("nav a[data-nav='audit']")).ToBeHiddenAsync();
        var form = olivia.Locator("form[data-start='gated']");
        await form.Locator("select[name='env']").SelectOptionAsync("dev");
        await form.Locator("button[type='submit']").ClickAsync();
        await Expect(olivia).ToHaveURLAsync(RunAddress());
        var runId = RunAddress().Match(olivia.Url).Groups[1].Value;
        await olivia.Context.CloseAsync();

        var page = await fixture.Browser.OpenAsync("ada", $"{fixture.Host.BaseUrl}/runs");
        await page.Locator("nav a[data-nav='audit']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/audit$"));
        var row = page.GetByTestId("audit-table").Locator("tr", new() { HasText = runId });
        await Expect(row).ToContainTextAsync("start");
        await Expect(row).ToContainTextAsync("olivia");
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("dashboard");
        await Browser.ScreenshotAsync(page, "audit");

        await page.Locator("input[name='actor']").FillAsync("olivia");
        await page.Locator("input[name='action']").FillAsync("start");
        await page.GetByTestId("audit-filters").Locator("button[type='submit']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/audit\\?actor=olivia&action=start$"));
        var rows = page.GetByTestId("audit-table").Locator("tbody tr");
        await Expect(rows.First).ToContainTextAsync(runId);
        foreach (var action in await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)"))
        {
            Assert.True(action == "start", $"the filter is action=start, but the page lists {action}");
        }

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("audit-export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("seq,at,action,outcome,actor_name", csv, StringComparison.Ordinal);
        Assert.Contains(runId, csv, StringComparison.Ordinal);

        await page.GetByTestId("audit-verify").ClickAsync();
        await Expect(page.GetByTestId("audit-verification")).ToContainTextAsync(new Regex("The chain is intact: [0-9]+ entries checked"));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task AnOperator_OpeningTheAuditPage_ReadsWhyNot()
    {
        var page = await fixture.Browser.OpenAsync("olivia", $"{fixture.Host.BaseUrl}/audit");

        await Expect(page.Locator(".msg-error")).ToContainTextAsync("The audit log is for admins");
        await Expect(page.Locator("nav a[data-nav='audit']")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("/runs/([a-z0-9]+)$")]
    private static partial Regex RunAddress();
}
