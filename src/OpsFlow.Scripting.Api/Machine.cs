using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>A program to run: an argv list (no shell), where, and the variables it gets besides the inherited ones.</summary>
public sealed record ProcessCall(
    string Program,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>The argument that follows <paramref name="option"/> (<c>-o</c>, <c>--urls</c>), or null.</summary>
    public string? ArgumentAfter(string option)
    {
        var index = Arguments.ToList().IndexOf(option);
        return index >= 0 && index + 1 < Arguments.Count ? Arguments[index + 1] : null;
    }

    public override string ToString() => ProcessHelpers.CommandLine(Program, Arguments);
}

/// <summary>
/// The machine OpsFlow runs on, as steps use it: programs run to their end, services started and stopped, HTTP. The
/// helpers (<c>ctx.Run</c>, <c>ctx.StartDetached</c>, <c>ctx.StopProcess</c>, <c>ctx.Http</c>, <c>ctx.HealthCheck</c>)
/// keep their logging, checks and timeouts and leave only the acting to it, so <c>opsflow test</c> can lend the
/// steps a scripted machine (<see cref="Testing.FakeMachine"/>) where the host lends the real one
/// (<see cref="LocalMachine"/>).
/// </summary>
public interface IMachine
{
    /// <summary>Runs the program to its end, lines to the callbacks as they come; cancel with the step kills it. Returns the exit code.</summary>
    Task<int> RunAsync(StepContext ctx, ProcessCall call, Action<string> output, Action<string> errors);

    /// <summary>Starts a long-running program whose output goes to <paramref name="logFile"/>; returns its process id.</summary>
    int StartDetached(StepContext ctx, ProcessCall call, string logFile);

    /// <summary>Stops the process and its children (politely, then after <paramref name="grace"/> by force); false when it was not running.</summary>
    Task<bool> StopAsync(StepContext ctx, int processId, TimeSpan grace);

    /// <summary>True when process <paramref name="processId"/> runs and, where the machine can tell, runs a file under <paramref name="folder"/>.</summary>
    bool IsRunning(int processId, string folder);

    /// <summary>Sends one HTTP request; the caller owns timeouts and reads the body.</summary>
    Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

internal static class MachineLookup
{
    /// <summary>The machine the step's workflow was lent (<see cref="StepContext.Services"/>); the real one otherwise.</summary>
    public static IMachine Machine(this StepContext ctx) =>
        ctx.Services.GetService(typeof(IMachine)) as IMachine ?? LocalMachine.Instance;
}

/// <summary>What a script's definition lends its steps: the environment's machine, nodes and database backups.</summary>
internal sealed class ScriptServices(IScriptEnvironment environment) : IServiceProvider
{
    public object? GetService(Type serviceType) =>
        serviceType == typeof(IMachine) ? environment.Machine
        : serviceType == typeof(IFleet) ? environment.Fleet
        : serviceType == typeof(IOpsFlowBackups) ? environment.Backups
        : null;
}
