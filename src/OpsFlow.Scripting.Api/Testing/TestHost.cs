using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api.Testing;

/// <summary>What a test's host is built from: the settings, secrets and fakes the test declared before its first start.</summary>
public sealed record TestWorld(
    IReadOnlyDictionary<string, string?> Settings,
    IReadOnlyDictionary<string, string> Secrets,
    FakeMachine Machine,
    FakeFleet Fleet,
    string DataDirectory);

/// <summary>A run as a test sees it.</summary>
public sealed record RunView(string Id, string Workflow, string Status, string? Error, IReadOnlyList<StepView> Steps);

/// <summary>A step of a <see cref="RunView"/>: its status, last attempt, error, outputs and items (nodes of a rollout).</summary>
public sealed record StepView(string Name, string Status, int Attempt, string? Error, IReadOnlyDictionary<string, string> Outputs, IReadOnlyList<StepItem> Items);

/// <summary>A command a test sends a run, as a person would from chat.</summary>
public abstract record TestCommand(string By)
{
    public sealed record Decide(string By, string? Role, string Step, bool Approve, string? Reason) : TestCommand(By);

    public sealed record Cancel(string By, string? Reason) : TestCommand(By);
}

/// <summary>
/// The OpsFlow a test drives (the engine with the script catalog, a database of its own and a fake clock), implemented
/// by <c>opsflow test</c>. Every call returns when the runs it touched have settled: ended, or waiting for a person,
/// a timer or a command, with no step executing.
/// </summary>
public interface IWorkflowTestHost : IAsyncDisposable
{
    /// <summary>The test's clock (it starts at the time the test starts and moves only by <see cref="AdvanceAsync"/>).</summary>
    DateTimeOffset Now { get; }

    /// <summary>Starts <paramref name="workflow"/> with arguments as chat takes them (<c>app=web version=v1.2</c>), as <paramref name="by"/> (an operator).</summary>
    Task<RunView> StartAsync(string workflow, string arguments, string by, CancellationToken cancellationToken);

    /// <summary>Sends the command; the refusal, when the engine refused it, is returned rather than thrown.</summary>
    Task<(RunView Run, string? Refused)> SendAsync(string runId, TestCommand command, CancellationToken cancellationToken);

    /// <summary>Moves the clock (timers due on the way fire: retries, approval and step timeouts), then lets the runs settle.</summary>
    Task AdvanceAsync(TimeSpan by, CancellationToken cancellationToken);

    Task<RunView> ReadAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The step's log lines (every attempt, compensation included), oldest first.</summary>
    Task<IReadOnlyList<string>> LogAsync(string runId, string step, CancellationToken cancellationToken);
}

/// <summary>A test's expectation that did not hold; the runner reports its message and the test's line.</summary>
public sealed class TestFailedException(string message) : Exception(message);
