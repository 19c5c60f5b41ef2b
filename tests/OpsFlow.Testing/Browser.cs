using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace OpsFlow.Testing;

/// <summary>
/// The one browser fixture: Debian's Chromium driven by Playwright, which never downloads a browser here. CI installs
/// chromium; only when it is absent and OPSFLOW_ALLOW_NO_BROWSER=1 are the browser tests skipped (see
/// <see cref="BrowserFactAttribute"/>). Pages reach only this machine: the Playground's UI asks a CDN for fonts, and
/// an offline run must not wait on DNS for them.
/// </summary>
public sealed partial class Browser(int width = 1280, int height = 800) : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    /// <summary>TestResults/screenshots at the repository root (git-ignored; CI keeps it as an artifact).</summary>
    public static string ScreenshotFolder => RepositoryRoot.Screenshots;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: install it with `apt-get install -y chromium` (.ci/run does), or set OPSFLOW_ALLOW_NO_BROWSER=1 to skip the browser tests.");
        }

        _playwright = await Playwright.CreateAsync();
        Instance = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--disable-background-networking", "--disable-component-update"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null)
        {
            await Instance.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>
    /// A fresh page (own cookies and storage) acting as <paramref name="user"/> (the dashboard's development-mode
    /// picker's choice) or anonymous, on <paramref name="url"/> once its document has loaded, or blank.
    /// </summary>
    public async Task<IPage> OpenAsync(string? user = null, string? url = null)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        await context.RouteAsync(NotLocal(), route => route.AbortAsync());
        if (user is not null)
        {
            await context.AddInitScriptAsync($"localStorage.setItem('opsflow.user', {System.Text.Json.JsonSerializer.Serialize(user)});");
        }

        var page = await context.NewPageAsync();
        if (url is not null)
        {
            await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        }

        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"{name}.png"), FullPage = true });

    [GeneratedRegex(@"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])")]
    private static partial Regex NotLocal();
}

/// <summary>A browser test; skipped only when Chromium is absent and the environment allows it.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(Browser.Chromium) && Environment.GetEnvironmentVariable("OPSFLOW_ALLOW_NO_BROWSER") == "1")
        {
            Skip = $"{Browser.Chromium} is not installed and OPSFLOW_ALLOW_NO_BROWSER=1 allows skipping; install it with apt-get install -y chromium.";
        }
    }
}
