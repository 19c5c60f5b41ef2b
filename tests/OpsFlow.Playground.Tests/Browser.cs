using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OpsFlow.Playground.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright, which never downloads a browser here. Pages reach only this machine:
/// the Playground's UI asks a CDN for fonts, and an offline run must not wait on DNS for them.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly Regex NotLocal = new(@"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])", RegexOptions.Compiled);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: install it with `apt-get install -y chromium`, or set OPSFLOW_ALLOW_NO_BROWSER=1 to skip the browser tests.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--disable-background-networking", "--disable-component-update"],
        });
    }

    /// <summary>A fresh page (own cookies and storage) at 1400×900 on <paramref name="url"/>.</summary>
    public async Task<IPage> OpenAsync(string url)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        await context.RouteAsync(NotLocal, route => route.AbortAsync());
        var page = await context.NewPageAsync();
        await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>An end-to-end test; skipped only when Chromium is absent and the environment allows it.</summary>
public sealed class PlaygroundFactAttribute : FactAttribute
{
    public PlaygroundFactAttribute()
    {
        if (!File.Exists(Browser.Chromium) && Environment.GetEnvironmentVariable("OPSFLOW_ALLOW_NO_BROWSER") == "1")
        {
            Skip = $"{Browser.Chromium} is not installed and OPSFLOW_ALLOW_NO_BROWSER=1 allows skipping; install it with apt-get install -y chromium.";
        }
    }
}
