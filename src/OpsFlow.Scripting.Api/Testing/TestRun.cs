namespace OpsFlow.Scripting.Api.Testing;

/// <summary>A run a test started: what it looks like now (refreshed after each thing the test does), and what a person can do to it.</summary>
public sealed class TestRun
{
    private readonly WorkflowTest _test;
    private readonly IWorkflowTestHost _host;
    private RunView _view;

    internal TestRun(WorkflowTest test, IWorkflowTestHost host, RunView view)
    {
        _test = test;
        _host = host;
        _view = view;
    }

    public string Id => _view.Id;

    public string Workflow => _view.Workflow;

    /// <summary>Pending, Running, WaitingForApproval, Paused, Succeeded, Failed, RolledBack, Cancelled…</summary>
    public string Status => _view.Status;

    /// <summary>Why the run failed, when it did.</summary>
    public string? Error => _view.Error;

    public IReadOnlyList<StepView> Steps => _view.Steps;

    /// <summary>A step of the run; fails the test, listing the steps, when there is none by that name.</summary>
    public StepView Step(string name) =>
        _view.Steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw new TestFailedException($"run {Id} has no step '{name}'; its steps: {string.Join(", ", _view.Steps.Select(s => s.Name))}");

    /// <summary>An output a step set (<c>ctx.SetOutput</c>), or null.</summary>
    public string? Output(string step, string key) => Step(step).Outputs.GetValueOrDefault(key);

    /// <summary>The step's log lines, oldest first.</summary>
    public Task<IReadOnlyList<string>> Log(string step) => _host.LogAsync(Id, step, _test.CancellationToken);

    /// <summary>Approves the approval step as <paramref name="by"/> holding <paramref name="role"/>; fails the test when the engine refuses.</summary>
    public async Task Approve(string step, string by = "approver", string? role = null, string? reason = null) =>
        Accepted(await Decide(step, approve: true, by, role, reason), $"approving {step} as {by}");

    /// <summary>Rejects the approval step; fails the test when the engine refuses.</summary>
    public async Task Reject(string step, string by = "approver", string? role = null, string? reason = null) =>
        Accepted(await Decide(step, approve: false, by, role, reason), $"rejecting {step} as {by}");

    /// <summary>Approves or rejects and returns the engine's refusal (null when it took the decision): for tests of who may decide.</summary>
    public async Task<string?> Decide(string step, bool approve, string by, string? role = null, string? reason = null)
    {
        var (view, refused) = await _host.SendAsync(Id, new TestCommand.Decide(by, role, step, approve, reason), _test.CancellationToken);
        _view = view;
        return refused;
    }

    /// <summary>Cancels the run as <paramref name="by"/>; compensations of the finished steps run.</summary>
    public async Task Cancel(string by = "tester", string? reason = null)
    {
        var (view, refused) = await _host.SendAsync(Id, new TestCommand.Cancel(by, reason), _test.CancellationToken);
        _view = view;
        Accepted(refused, $"cancelling as {by}");
    }

    /// <summary>Fails the test unless the run's status is <paramref name="status"/>; the message shows every step.</summary>
    public void ExpectStatus(string status)
    {
        if (!string.Equals(Status, status, StringComparison.OrdinalIgnoreCase))
        {
            throw new TestFailedException($"run {Workflow} {Id}: expected {status}, got {this}");
        }
    }

    /// <summary>Fails the test unless <paramref name="step"/>'s status is <paramref name="status"/>.</summary>
    public void ExpectStep(string step, string status)
    {
        var found = Step(step);
        if (!string.Equals(found.Status, status, StringComparison.OrdinalIgnoreCase))
        {
            throw new TestFailedException($"step {step}: expected {status}, got {found.Status}{(found.Error is null ? "" : $" ({found.Error})")}; run: {this}");
        }
    }

    /// <summary>Reads the run again (after something the test did outside it, such as another run's end).</summary>
    public async Task Refresh() => _view = await _host.ReadAsync(Id, _test.CancellationToken);

    /// <summary>"Failed (health-check: …); build Succeeded, switch Compensated, …": what a failure message needs.</summary>
    public override string ToString() =>
        $"{Status}{(Error is null ? "" : $" ({Error})")}; "
        + string.Join(", ", Steps.Select(s => $"{s.Name} {s.Status}{(s.Error is null || s.Status == "Succeeded" ? "" : $" ({s.Error})")}"));

    private static void Accepted(string? refused, string what)
    {
        if (refused is not null)
        {
            throw new TestFailedException($"{what} was refused: {refused}");
        }
    }
}
