using Microsoft.Playwright;

namespace OpsFlow.Dashboard.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright; Playwright never downloads a browser here. CI installs chromium;
/// only when it is absent and OPSFLOW_ALLOW_NO_BROWSER=1 are the browser tests skipped (see BrowserFact).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

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
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
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

    /// <summary>A page at 1280×800 acting as <paramref name="user"/> (the development-mode picker's choice), or anonymous.</summary>
    public async Task<IPage> OpenAsync(string? user = null)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        if (user is not null)
        {
            await context.AddInitScriptAsync($"localStorage.setItem('opsflow.user', {System.Text.Json.JsonSerializer.Serialize(user)});");
        }

        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"{name}.png"), FullPage = true });

    /// <summary>TestResults/screenshots at the repository root (git-ignored; CI keeps it as an artifact).</summary>
    private static string FindScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpsFlow.Bot.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
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
