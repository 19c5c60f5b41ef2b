using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsFlow.Bot.Playground;

/// <summary>
/// One Microsoft 365 Agents Playground process (npm @microsoft/m365agentsplayground) pointed at a bot endpoint:
/// started in its own working folder, ready once it answers its ping, stopped with its whole process tree. The
/// host's launcher and the end-to-end tests both use it.
/// </summary>
internal sealed partial class PlaygroundProcess : IAsyncDisposable
{
    /// <summary>Our mock users and chats (the Playground's own, with the bot named OpsFlow), copied into the working folder.</summary>
    public const string ConfigTemplate = "opsflow.m365agentsplayground.yml";
    public const string ConfigFile = ".m365agentsplayground.yml";

    private const int OutputLines = 40;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PlaygroundProcess(Process process) => _process = process;

    /// <summary>The port its UI listens on: the one asked for, or the free one it fell back to when that was taken.</summary>
    public int Port { get; private set; }

    public string Url => $"http://localhost:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Completes when the process ends, for whatever reason.</summary>
    public Task Exited => _exited.Task;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Its last lines of output, for a log message when it fails.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    public static string CliPath(string packageFolder) =>
        Path.Combine(packageFolder, "node_modules", "@microsoft", "m365agentsplayground", "cli.js");

    /// <summary>Why it cannot start from <paramref name="packageFolder"/>, or null when its package is installed.</summary>
    public static string? FindProblem(string packageFolder) =>
        File.Exists(CliPath(packageFolder)) ? null : $"its npm package is not installed in {Path.GetFullPath(packageFolder)}.";

    /// <summary>Starts it; throws <see cref="InvalidOperationException"/> with what to install when Node.js is missing.</summary>
    public static PlaygroundProcess Start(string packageFolder, string botEndpoint, int port, string workingFolder)
    {
        Directory.CreateDirectory(workingFolder);
        var template = Path.Combine(packageFolder, ConfigTemplate);
        if (File.Exists(template))
        {
            File.Copy(template, Path.Combine(workingFolder, ConfigFile), overwrite: true);
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { CliPath(packageFolder), "-e", botEndpoint, "-c", "msteams", "-p", port.ToString(CultureInfo.InvariantCulture), "--disable-telemetry" })
        {
            start.ArgumentList.Add(arg);
        }

        // Without this it tries to open a browser and exits when there is none (xdg-open missing on a server).
        start.Environment["TEAMSAPPTESTER_BROWSER"] = "none";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var playground = new PlaygroundProcess(process) { Port = port };
        process.OutputDataReceived += (_, e) => playground.Read(e.Data);
        process.ErrorDataReceived += (_, e) => playground.Read(e.Data);
        process.Exited += (_, _) => playground.OnExited();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Node.js is not installed or not on PATH ({ex.Message}).", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return playground;
    }

    /// <summary>Waits until it says which port it listens on and answers GET /_debug/ping there.</summary>
    public async Task WaitUntilReadyAsync(TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Task.WhenAny(_listening.Task, Exited).WaitAsync(deadline.Token);
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the Agents Playground exited with code {_process.ExitCode}: {RecentOutput}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri($"{Url}/_debug/ping"), deadline.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), time, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the Agents Playground did not answer {Url}/_debug/ping within {timeout}: {RecentOutput}");
        }
    }

    /// <summary>Stops it with the processes it started, and waits for it to be gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or Win32Exception)
        {
            // Already gone, or refusing to die within the wait: nothing more can be done from here.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLines)
            {
                _output.Dequeue();
            }
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            Port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            _listening.TrySetResult(Port);
        }
    }

    private void OnExited() => _exited.TrySetResult();

    [GeneratedRegex(@"^Listening on (\d+)\s*$")]
    private static partial Regex ListeningLine();
}
