using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using static Microsoft.Playwright.Assertions;

namespace OpsFlow.Dashboard.Tests;

/// <summary>A run's page in a real browser: live colours, approvals by a second person, what a viewer may do.</summary>
[Collection(DashboardCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class RunPageTests(DashboardFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Soon = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToContainTextOptions Later = new() { Timeout = 15_000 };

    private static ILocator Step(IPage page, string name) => page.Locator($"svg.dag g.node[data-step='{name}']");

    [BrowserFact]
    public async Task AnOpenRunPage_ShowsStepsChangeColourLive_WithoutReloading()
    {
        var key = Guid.NewGuid().ToString("n");
        var id = await fixture.StartAsync("olivia", "stepped", new { key });
        var page = await fixture.Browser.OpenAsync("olivia");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/{id}");

        await Expect(Step(page, "first")).ToHaveAttributeAsync("data-status", "Running", Soon);
        await Expect(Step(page, "first")).ToHaveClassAsync(new Regex("tone-running.*animated"));
        await Expect(Step(page, "second")).ToHaveAttributeAsync("data-status", "Pending", Soon);
        await Expect(Step(page, "second")).ToHaveClassAsync(new Regex("tone-pending"));
        await Browser.ScreenshotAsync(page, "run-live-first-running");
        // The page must not reload to see the change: a marker on window survives only without a reload.
        await page.EvaluateAsync("window.__stillHere = true");

        fixture.Host.Release(key, "first");
        await Expect(Step(page, "first")).ToHaveAttributeAsync("data-status", "Succeeded", Soon);
        await Expect(Step(page, "first")).ToHaveClassAsync(new Regex("tone-succeeded"));
        await Expect(Step(page, "second")).ToHaveAttributeAsync("data-status", "Running", Soon);
        await Expect(Step(page, "first").Locator("text.node-symbol")).ToHaveTextAsync("✓");
        await Browser.ScreenshotAsync(page, "run-live-second-running");

        fixture.Host.Release(key, "second");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("succeeded", new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.__stillHere === true"));
        // Clicking a step shows its log, and the timeline and audit trail are there.
        await Step(page, "first").ClickAsync();
        await Expect(page.GetByTestId("step-log")).ToContainTextAsync("first is waiting for the test");
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("requested by olivia");
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("second");
        await Browser.ScreenshotAsync(page, "run-succeeded-step-log");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task ASecondUser_ApprovesFromThePage_AndTheRunGoesOn()
    {
        var id = await fixture.StartAsync("olivia", "gated", new { env = "prod" });

        // The requester sees the approval but no buttons (four-eyes rule).
        var requester = await fixture.Browser.OpenAsync("olivia");
        await requester.GotoAsync($"{fixture.Host.BaseUrl}/runs/{id}");
        await Expect(Step(requester, "gate")).ToHaveAttributeAsync("data-status", "Waiting", Soon);
        await Expect(Step(requester, "gate")).ToHaveClassAsync(new Regex("tone-approval"));
        await Expect(requester.Locator(".approval-card")).ToContainTextAsync("four-eyes");
        await Expect(requester.Locator("button[data-action='approve']")).ToHaveCountAsync(0);
        await requester.Context.CloseAsync();

        var approver = await fixture.Browser.OpenAsync("mark");
        await approver.GotoAsync($"{fixture.Host.BaseUrl}/runs/{id}");
        await Expect(approver.Locator(".approval-card .clock")).ToContainTextAsync("left");
        await Browser.ScreenshotAsync(approver, "run-waiting-for-approval");
        await approver.Locator("input.reason").FillAsync("looks good");
        await approver.Locator(".approval-card button[data-action='approve']").ClickAsync();

        await Expect(approver.GetByTestId("action-output")).ToContainTextAsync("approve", new() { Timeout = 10_000 });
        await Expect(Step(approver, "deploy")).ToHaveAttributeAsync("data-status", "Succeeded", Soon);
        await Expect(approver.GetByTestId("run-status")).ToContainTextAsync("succeeded", new() { Timeout = 15_000 });
        await Expect(approver.GetByTestId("audit")).ToContainTextAsync("mark");
        await Browser.ScreenshotAsync(approver, "run-approved");
        await approver.Context.CloseAsync();
        Assert.Equal("Succeeded", await fixture.StatusAsync(id));
    }

    [BrowserFact]
    public async Task AViewer_SeesNoActionButtons_AndAForgedActionIsRefused403()
    {
        var id = await fixture.StartAsync("olivia", "gated", new { env = "dev" });
        var page = await fixture.Browser.OpenAsync();
        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/{id}");
        await Expect(Step(page, "gate")).ToHaveAttributeAsync("data-status", "Waiting", Soon);
        await Expect(page.GetByTestId("roles")).ToHaveTextAsync("viewer");
        await Step(page, "gate").ClickAsync();
        await Expect(page.GetByTestId("step-panel")).ToContainTextAsync("gate");
        await Expect(page.Locator("button[data-action]")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "run-as-viewer");

        foreach (var (path, body) in new[] { ($"/api/runs/{id}/approvals", "{\"decision\":\"approve\"}"), ($"/api/runs/{id}/cancel", "{}"), ($"/api/runs/{id}/steps/gate/skip", "{}") })
        {
            var forged = await page.APIRequest.PostAsync($"{fixture.Host.BaseUrl}{path}", new APIRequestContextOptions
            {
                Headers = new Dictionary<string, string> { ["X-OpsFlow-User"] = "vera", ["Content-Type"] = "application/json" },
                Data = body,
            });
            Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        }

        Assert.Equal("WaitingForApproval", await fixture.StatusAsync(id));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task AnOperator_RunsAnEndedRunAgain_FromItsPage_AndANewRunStartsWithItsParameters()
    {
        var first = await fixture.StartAsync("olivia", "checks", new { });
        await Wait.UntilAsync(async () => await fixture.StatusAsync(first) == "Succeeded", $"run {first} to end");
        var page = await fixture.Browser.OpenAsync("olivia");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/{first}");

        await page.Locator("button[data-action='again']").ClickAsync();

        var said = page.Locator(".msg-ok");
        await Expect(said).ToContainTextAsync("started", new() { Timeout = 20_000 });
        var again = Regex.Match(await said.InnerTextAsync(), @"Run (\S+) started").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(again) || again == first, $"a new run, not {first}: {await said.InnerTextAsync()}");
        var details = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(fixture.Http, $"/api/runs/{again}");
        Assert.Equal($"api (again of {first})", details.GetProperty("run").GetProperty("trigger").GetString());
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task AnAdmin_ChangesAPausedRunsParameters_FromItsPage_AndTheRestRunsWithThem()
    {
        var key = Guid.NewGuid().ToString("n");
        var id = await fixture.StartAsync("olivia", "tuned", new { key });
        await Wait.UntilAsync(async () => await StepStatusAsync(id, "first") == "Running", $"step first of {id} to run");
        using (var pause = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{id}/pause") { Content = System.Net.Http.Json.JsonContent.Create(new { }) })
        {
            pause.Headers.Add("X-OpsFlow-User", "olivia");
            Assert.Equal(HttpStatusCode.OK, (await fixture.Http.SendAsync(pause)).StatusCode);
        }

        fixture.Host.Release(key, "first");
        await Wait.UntilAsync(async () => await fixture.StatusAsync(id) == "Paused" && await StepStatusAsync(id, "first") == "Succeeded", $"run {id} paused after first");
        var operatorPage = await fixture.Browser.OpenAsync("olivia");
        await operatorPage.GotoAsync($"{fixture.Host.BaseUrl}/runs/{id}");
        await Expect(operatorPage.Locator("button[data-action='resume']")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(operatorPage.GetByTestId("param-editor")).ToHaveCountAsync(0);
        var page = await fixture.Browser.OpenAsync("ada");
        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/{id}");

        await Expect(page.Locator("input[data-param='note']")).ToHaveValueAsync("none", new() { Timeout = 15_000 });
        await page.Locator("input[data-param='key']").FillAsync("other");
        await page.Locator("button[data-action='parameters']").ClickAsync();
        await Expect(page.Locator(".msg-error")).ToContainTextAsync("Parameter 'key' was read by step 'first'", Later);
        var refusals = page.GetByText("refused change-parameters by ada");
        await Expect(refusals).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        // Typing goes on through a live update: another refused change (an audit entry) redraws the page between the
        // two halves. A redraw that detached the field took its focus, and the second half went nowhere.
        var keyField = page.Locator("input[data-param='key']");
        await keyField.FocusAsync();
        await keyField.SelectTextAsync();
        await page.Keyboard.InsertTextAsync(key[..16]);
        using (var change = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{id}/parameters") { Content = System.Net.Http.Json.JsonContent.Create(new { parameters = new { key = "elsewhere" } }) })
        {
            change.Headers.Add("X-OpsFlow-User", "ada");
            await fixture.Http.SendAsync(change);
        }

        await Expect(refusals).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await page.Keyboard.InsertTextAsync(key[16..]);
        await Expect(keyField).ToHaveValueAsync(key);
        await page.Locator("input[data-param='note']").FillAsync("from the page");
        await page.Locator("button[data-action='parameters']").ClickAsync();
        await Expect(page.Locator(".msg-ok")).ToContainTextAsync("parameters changed: note none → from the page", Later);
        await Expect(page.Locator(".params")).ToContainTextAsync("note=from the page", Later);
        await Browser.ScreenshotAsync(page, "run-parameters-changed");
        await page.Locator("button[data-action='resume']").ClickAsync();

        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("succeeded", new() { Timeout = 15_000 });
        var log = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(fixture.Http, $"/api/runs/{id}/steps/second/log");
        Assert.Contains(log.EnumerateArray(), l => l.GetProperty("text").GetString() == "note: from the page");
        await page.Context.CloseAsync();
        await operatorPage.Context.CloseAsync();
    }

    private async Task<string?> StepStatusAsync(string id, string step)
    {
        var details = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(fixture.Http, $"/api/runs/{id}");
        return details.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == step).GetProperty("status").GetString();
    }

    [BrowserFact]
    public async Task AnUnknownRun_ShowsThe404Page()
    {
        var page = await fixture.Browser.OpenAsync();
        var response = await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/no-such-run");

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByTestId("not-found")).ToContainTextAsync("There is no run “no-such-run”");
        await Browser.ScreenshotAsync(page, "run-not-found");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task ARunThatFoundSomething_IsAmberWithItsFindings_AndARepeatedFailureSaysItWasSeenBefore()
    {
        var checks = await fixture.StartAsync("olivia", "checks", new { });
        var first = await fixture.StartAsync("olivia", "brittle", new { host = "10.0.0.7" });
        await Wait.UntilAsync(async () => await fixture.StatusAsync(first) == "Failed", $"run {first} to fail");
        var second = await fixture.StartAsync("olivia", "brittle", new { host = "10.0.0.9" });
        var page = await fixture.Browser.OpenAsync("olivia");

        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/{checks}");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("succeeded with warnings");
        await Expect(page.GetByTestId("run-status")).ToHaveClassAsync(new Regex("tone-warning"));
        await Expect(page.GetByTestId("findings")).ToContainTextAsync("Findings: 1 of 2 need attention");
        await Expect(page.GetByTestId("findings")).ToContainTextAsync("⚠ disk: /data 93% used, over 90%");
        await Step(page, "disk").ClickAsync();
        await Expect(page.Locator("dl.facts:not(.inline)")).ToContainTextAsync("CPU time1.3 s");
        await Expect(page.Locator("dl.facts:not(.inline)")).ToContainTextAsync("Peak memory50 MiB");
        await Browser.ScreenshotAsync(page, "run-succeeded-with-warnings");

        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/{second}");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("failed");
        await Expect(page.GetByTestId("failure-history")).ToContainTextAsync($"Seen 1 time in 30 days (same workflow, step and normalised error), last in run {first}");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task AnArchivedRun_OpensFromItsArchiveFile_MarkedArchived_WithItsStepsAndLog()
    {
        var services = fixture.Host.Services;
        var store = services.GetRequiredService<IRunStore>();
        var created = services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-100);
        var id = "archived-" + Guid.NewGuid().ToString("n")[..8];
        await SeededRuns.FinishedAsync(store, id, "nightly-report", created, RunStatus.Succeeded, 120, StepStatus.Succeeded, null, step: "collect", log: "collected 42 rows");
        await services.GetRequiredService<IHistoryTiers>().ArchiveAsync(created.AddDays(70));
        Assert.NotNull((await store.GetRunAsync(id))?.ArchivedIn);
        var page = await fixture.Browser.OpenAsync("olivia");

        await page.GotoAsync($"{fixture.Host.BaseUrl}/runs/{id}");

        await Expect(page.GetByTestId("run-archived")).ToHaveTextAsync("archived");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("succeeded");
        await Expect(page.Locator("dl.facts.inline")).ToContainTextAsync($"Archiveruns-{created:yyyy-MM}.jsonl.gz");
        await Step(page, "collect").ClickAsync();
        await Expect(page.GetByTestId("step-log")).ToContainTextAsync("collected 42 rows");
        await Browser.ScreenshotAsync(page, "run-archived");
        await page.Context.CloseAsync();
    }
}
