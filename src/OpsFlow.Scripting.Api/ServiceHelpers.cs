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
        ArgumentNullException.ThrowIfNull(ctx);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        ctx.Log($"$ {ProcessHelpers.CommandLine(program, arguments)} >> {logFile} &");
        var pid = ctx.Machine().StartDetached(ctx, new ProcessCall(program, arguments, workingDirectory, environment), logFile);
        ctx.Log($"started process {pid}");
        return pid;
    }

    /// <summary>
    /// Stops a process and its children: first politely (SIGTERM, so a service can finish requests and flush), then,
    /// after <paramref name="grace"/> (default 10 s), by force. Returns false when it was not running.
    /// </summary>
    public static Task<bool> StopProcess(this StepContext ctx, int processId, TimeSpan? grace = null)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx.Machine().StopAsync(ctx, processId, grace ?? TimeSpan.FromSeconds(10));
    }
}
