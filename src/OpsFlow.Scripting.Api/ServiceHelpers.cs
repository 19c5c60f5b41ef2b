using System.Diagnostics;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>Starting and stopping long-running programs (services) from a step.</summary>
public static class ServiceHelpers
{
    /// <summary>
    /// Starts a long-running program and returns its process id without waiting. On Linux and macOS its stdout and
    /// stderr are appended to <paramref name="logFile"/> by the program itself, in its own session, so it outlives
    /// OpsFlow and a Ctrl+C in the terminal that ran `opsflow run`. Elsewhere OpsFlow copies the output while it runs.
    /// Like <see cref="ProcessHelpers.Run"/>, the program gets a clean environment plus <paramref name="environment"/>.
    /// </summary>
    public static int StartDetached(
        this StepContext ctx,
        string program,
        IReadOnlyList<string> arguments,
        string logFile,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        ctx.Log($"$ {ProcessHelpers.CommandLine(program, arguments)} >> {logFile} &");
        var pid = OperatingSystem.IsWindows()
            ? StartCopyingOutput(program, arguments, logFile, workingDirectory, environment)
            : StartWithOwnOutput(program, arguments, logFile, workingDirectory, environment);
        ctx.Log($"started process {pid}");
        return pid;
    }

    /// <summary>
    /// Stops a process and its children: first politely (SIGTERM, so a service can finish requests and flush), then,
    /// after <paramref name="grace"/> (default 10 s), by force. Returns false when it was not running.
    /// </summary>
    public static async Task<bool> StopProcess(this StepContext ctx, int processId, TimeSpan? grace = null)
    {
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
            var wait = grace ?? TimeSpan.FromSeconds(10);
            if (!OperatingSystem.IsWindows() && await Terminate(processId))
            {
                using var limit = new CancellationTokenSource(wait, ctx.Clock);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, ctx.CancellationToken);
                try
                {
                    await process.WaitForExitAsync(linked.Token);
                    ctx.Log($"process {processId} stopped");
                    return true;
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    ctx.LogWarning($"process {processId} did not stop within {wait.TotalSeconds:0} s of SIGTERM; killing it");
                }
            }

            ProcessHelpers.KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            ctx.Log($"process {processId} killed");
            return true;
        }
    }

    /// <summary>
    /// Through sh, with the program and its arguments as positional parameters ("$@"): nothing from input is ever
    /// parsed by the shell. exec keeps the process id, so the pid we return is the program's.
    /// </summary>
    private static int StartWithOwnOutput(string program, IReadOnlyList<string> arguments, string logFile, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["OPSFLOW_SERVICE_LOG"] = Path.GetFullPath(logFile) };
        string[] launcher = File.Exists("/usr/bin/setsid") ? ["/usr/bin/setsid", "sh"] : ["sh"];
        var argv = launcher[1..].Concat(["-c", "exec \"$@\" >>\"$OPSFLOW_SERVICE_LOG\" 2>&1 </dev/null", "opsflow-service", program]).Concat(arguments).ToArray();
        using var process = new Process { StartInfo = ProcessHelpers.StartInfo(launcher[0], argv, workingDirectory, variables) };
        ProcessHelpers.StartOrExplain(process, program);
        // Our ends of the pipes are closed at once; the program's own streams were redirected by exec.
        process.StandardInput.Close();
        return process.Id;
    }

    private static int StartCopyingOutput(string program, IReadOnlyList<string> arguments, string logFile, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var process = new Process { StartInfo = ProcessHelpers.StartInfo(program, arguments, workingDirectory, environment), EnableRaisingEvents = true };
        ProcessHelpers.StartOrExplain(process, program);
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
