using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OpsFlow.Bot.Playground;

/// <summary>
/// Starts the Agents Playground with the host for local development, pointed at this host's /api/messages, and
/// stops it with the host. A missing Node.js or npm package is a log line saying what to run, never a failed host.
/// </summary>
internal sealed class PlaygroundLauncher(
    PlaygroundOptions options,
    IConfiguration configuration,
    IHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    IServer server,
    TimeProvider time,
    ILogger<PlaygroundLauncher> logger) : BackgroundService
{
    public const string MessagesPath = "/api/messages";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!string.IsNullOrWhiteSpace(configuration["OpsFlow:Teams:AppId"]))
        {
            PlaygroundLog.SkippedForAppId(logger);
            return;
        }

        // Kestrel knows its addresses (port 0 included) only once the server has started.
        if (!await StartedAsync(stoppingToken))
        {
            return;
        }

        var endpoint = BotEndpoint(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        if (endpoint is null)
        {
            PlaygroundLog.SkippedNoAddress(logger);
            return;
        }

        var package = Path.GetFullPath(options.PackagePath, environment.ContentRootPath);
        if (PlaygroundProcess.FindProblem(package) is { } problem)
        {
            PlaygroundLog.Unavailable(logger, problem, $"run `npm ci` in {package} (building OpsFlow.Bot does it when node_modules is missing), then restart the host.");
            return;
        }

        var working = Path.GetFullPath(options.WorkingPath, environment.ContentRootPath);
        PlaygroundLog.Starting(logger, options.Port, endpoint, working);
        PlaygroundProcess playground;
        try
        {
            playground = PlaygroundProcess.Start(package, endpoint, options.Port, working);
        }
        catch (InvalidOperationException ex)
        {
            PlaygroundLog.Unavailable(logger, ex.Message, "install Node.js 20 or later (https://nodejs.org), then restart the host.");
            return;
        }

        await using (playground)
        {
            try
            {
                await playground.WaitUntilReadyAsync(time, options.StartTimeout, stoppingToken);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                PlaygroundLog.NotReady(logger, options.StartTimeout, ex.Message);
                return;
            }

            PlaygroundLog.Ready(logger, playground.Url);
            await Task.WhenAny(playground.Exited, Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken));
            if (!await ShuttingDownAsync(stoppingToken))
            {
                PlaygroundLog.Exited(logger, playground.ExitCode ?? -1, playground.RecentOutput);
                return;
            }
        }

        PlaygroundLog.Stopped(logger);
    }

    /// <summary>The bot endpoint on loopback for the first http address the host listens on; null when it has none.</summary>
    internal static string? BotEndpoint(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttp || uri.Port <= 0)
            {
                continue;
            }

            // The Playground runs on this machine: a wildcard or a public address is reached on loopback.
            return $"http://127.0.0.1:{uri.Port}{MessagesPath}";
        }

        return null;
    }

    /// <summary>
    /// Whether the host is stopping. Ctrl+C at a terminal reaches node and the host together, so node may be gone a
    /// moment before the host says it stops: that is a shutdown, not a crash worth a warning.
    /// </summary>
    private async Task<bool> ShuttingDownAsync(CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return true;
        }

        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), time, lifetime.ApplicationStopping);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
