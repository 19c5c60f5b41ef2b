using System.Diagnostics;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>The machine OpsFlow runs on: real processes, real sockets. What the host lends every step.</summary>
public sealed class LocalMachine : IMachine
{
    // One client for the process: sockets are pooled and DNS changes are picked up every two minutes.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = HttpHelpers.MaxBody,
    };

    private LocalMachine()
    {
    }

    public static LocalMachine Instance { get; } = new();

    public async Task<int> RunAsync(StepContext ctx, ProcessCall call, Action<string> output, Action<string> errors)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(call);
        using var process = new Process { StartInfo = ProcessHelpers.StartInfo(call.Program, call.Arguments, call.WorkingDirectory, call.Environment), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors(e.Data);
            }
        };

        ProcessHelpers.StartOrExplain(process, call.Program);
        await using var meter = ProcessMeter.Start(process);
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (ctx.CancellationToken.Register(() => ProcessHelpers.KillTree(process)))
        {
            // Not cancellable: after a kill we still wait for the exit, so no orphan outlives the step.
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // Recorded whatever the exit: a killed or failed process used resources too.
        ctx.AddProcessUse(await meter.StopAsync());
        return process.ExitCode;
    }

    /// <summary>
    /// On Linux and macOS the program appends its stdout and stderr to the log itself, in its own session, so it
    /// outlives OpsFlow and a Ctrl+C in the terminal that ran `opsflow run`. Elsewhere OpsFlow copies the output while it runs.
    /// </summary>
    public int StartDetached(StepContext ctx, ProcessCall call, string logFile)
    {
        ArgumentNullException.ThrowIfNull(call);
        return OperatingSystem.IsWindows()
            ? StartCopyingOutput(call, logFile)
            : StartWithOwnOutput(call, logFile);
    }

    public async Task<bool> StopAsync(StepContext ctx, int processId, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Process process;
        try
        {
            process = Process.GetProcessById(processId);
        }
        catch (ArgumentException)
        {
            ctx.Log($"process {processId} is not running");
            return false;
        }

        using (process)
        {
            if (!OperatingSystem.IsWindows() && await Terminate(processId))
            {
                using var limit = new CancellationTokenSource(grace, ctx.Clock);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, ctx.CancellationToken);
                try
                {
                    await process.WaitForExitAsync(linked.Token);
                    ctx.Log($"process {processId} stopped");
                    return true;
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    ctx.LogWarning($"process {processId} did not stop within {grace.TotalSeconds:0} s of SIGTERM; killing it");
                }
            }

            ProcessHelpers.KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            ctx.Log($"process {processId} killed");
            return true;
        }
    }

    /// <summary>On Linux the process's command line must name a file under the folder; elsewhere it only has to run.</summary>
    public bool IsRunning(int processId, string folder)
    {
        if (OperatingSystem.IsLinux())
        {
            var commandLine = $"/proc/{processId}/cmdline";
            return File.Exists(commandLine) && File.ReadAllText(commandLine).Contains(folder, StringComparison.Ordinal);
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Client.SendAsync(request, cancellationToken);

    /// <summary>
    /// Through sh, with the program and its arguments as positional parameters ("$@"): nothing from input is ever
    /// parsed by the shell. exec keeps the process id, so the pid we return is the program's.
    /// </summary>
    private static int StartWithOwnOutput(ProcessCall call, string logFile)
    {
        var variables = new Dictionary<string, string>(call.Environment ?? new Dictionary<string, string>()) { ["OPSFLOW_SERVICE_LOG"] = Path.GetFullPath(logFile) };
        string[] launcher = File.Exists("/usr/bin/setsid") ? ["/usr/bin/setsid", "sh"] : ["sh"];
        var argv = launcher[1..].Concat(["-c", "exec \"$@\" >>\"$OPSFLOW_SERVICE_LOG\" 2>&1 </dev/null", "opsflow-service", call.Program]).Concat(call.Arguments).ToArray();
        using var process = new Process { StartInfo = ProcessHelpers.StartInfo(launcher[0], argv, call.WorkingDirectory, variables) };
        ProcessHelpers.StartOrExplain(process, call.Program);
        // Our ends of the pipes are closed at once; the program's own streams were redirected by exec.
        process.StandardInput.Close();
        return process.Id;
    }

    private static int StartCopyingOutput(ProcessCall call, string logFile)
    {
        var process = new Process { StartInfo = ProcessHelpers.StartInfo(call.Program, call.Arguments, call.WorkingDirectory, call.Environment), EnableRaisingEvents = true };
        ProcessHelpers.StartOrExplain(process, call.Program);
        process.StandardInput.Close();
        var log = TextWriter.Synchronized(new StreamWriter(logFile, append: true) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process.Id;
    }

    private static async Task<bool> Terminate(int processId)
    {
        using var kill = new Process { StartInfo = ProcessHelpers.StartInfo("sh", ["-c", "kill -TERM \"$1\"", "opsflow-stop", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)], null, null) };
        kill.Start();
        kill.StandardInput.Close();
        await kill.WaitForExitAsync(CancellationToken.None);
        return kill.ExitCode == 0;
    }

    private static void Append(TextWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            log.WriteLine(line);
        }
        catch (ObjectDisposedException)
        {
            // The process exited while its last lines were in flight.
        }
    }
}
