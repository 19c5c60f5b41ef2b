using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OpsFlow.Testing;

/// <summary>
/// The real OpsFlow host (OpsFlow.Bot.dll, as deployed) as a process of its own on a free loopback port, configured
/// with command-line settings: what the crash harness, the cluster test and the cluster benchmark kill and restart.
/// Each host gets a temporary folder (<see cref="DataPath"/>), deleted when it is disposed.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;

    private HostProcess(string name, Process process, Uri address, string dataPath)
    {
        Name = name;
        _process = process;
        Address = address;
        DataPath = dataPath;
    }

    public string Name { get; }

    public Uri Address { get; }

    /// <summary>A folder of this host's own (script cache, workflow data, card journal), unless the settings say otherwise.</summary>
    public string DataPath { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the host from the calling assembly's folder, where OpsFlow.Bot.dll is copied. <paramref name="settings"/>
    /// are configuration keys ("OpsFlow:Teams:…"); the port is given to <paramref name="port"/> when a restart must keep
    /// it. Every line the host writes goes to <paramref name="output"/>, standard error prefixed "stderr: ".
    /// </summary>
    public static HostProcess Start(
        string name, IReadOnlyDictionary<string, string> settings, Action<string>? output = null, int? port = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}/");
        var data = Directory.CreateTempSubdirectory($"opsflow-{name}-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OpsFlow.Bot.dll"));
        info.ArgumentList.Add($"--Urls={address.OriginalString.TrimEnd('/')}");
        info.ArgumentList.Add($"--OpsFlow:Scripts:CachePath={Path.Combine(data, "script-cache")}");
        info.ArgumentList.Add($"--OpsFlow:Scripts:DataPath={Path.Combine(data, "workflow-data")}");
        info.ArgumentList.Add($"--OpsFlow:DataProtection:KeysPath={Path.Combine(data, "keys")}");
        // The crash and cluster tests are one person sending a hundred commands at once; CommandRateTests checks the limits.
        info.ArgumentList.Add("--OpsFlow:Teams:CommandsPerUserPerMinute=100000");
        info.ArgumentList.Add("--OpsFlow:Teams:CommandsPerConversationPerMinute=100000");
        info.ArgumentList.Add($"--OpsFlow:Teams:CardJournalPath={Path.Combine(data, "run-card-ids.log")}");
        info.ArgumentList.Add("--OpsFlow:Playground:Enabled=false");
        foreach (var (key, value) in settings)
        {
            // Later arguments win: a test's own settings override the defaults above.
            info.ArgumentList.Add($"--{key}={value}");
        }

        // Production, whatever the test runner's environment says: development mode would add its own settings.
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Write(output, e.Data, "");
        process.ErrorDataReceived += (_, e) => Write(output, e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(name, process, address, data);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until /readyz answers 200: migrated, scheduler running, every workflow loaded.</summary>
    public async Task WaitReadyAsync(TimeSpan within, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (watch.Elapsed < within)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Host {Name} exited ({_process.ExitCode}) before it was ready; see its output.");
            }

            try
            {
                using var answer = await http.GetAsync(new Uri(Address, "readyz"), cancellationToken);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"/readyz answered {(int)answer.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                // Not listening yet.
                last = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One probe that got no answer in time: a host starting on a busy machine (JIT, the database's first
                // use, recovery) can take that long for its first request. The deadline that matters is `within`.
                last = $"a probe got no answer within {http.Timeout.TotalSeconds:0} s";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken);
        }

        throw new TimeoutException($"Host {Name} was not ready within {within}; last: {last}.");
    }

    /// <summary>
    /// SIGSTOP: the process stays exactly where it is (no step ends, no write lands) until <see cref="ResumeAsync"/> or
    /// <see cref="KillAsync"/>, so a test can look at what it is doing and kill it in that very state.
    /// </summary>
    public Task SuspendAsync(CancellationToken cancellationToken = default) => SignalAsync("-STOP", cancellationToken);

    /// <summary>SIGCONT after <see cref="SuspendAsync"/>.</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => SignalAsync("-CONT", cancellationToken);

    private async Task SignalAsync(string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"could not run kill {signal}");
        await kill.WaitForExitAsync(cancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} exited {kill.ExitCode}");
        }
    }

    /// <summary>Waits for a host that is expected to stop by itself (one that refuses to start, say); its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process gets no chance to stop its runs, release leases or tell Quartz.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        OwnedProcesses.Stop(DataPath);
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    private static void Write(Action<string>? output, string? line, string prefix)
    {
        if (output is null || line is null)
        {
            return;
        }

        try
        {
            output(prefix + line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late line from a dying host has nowhere to go.
        }
    }
}
