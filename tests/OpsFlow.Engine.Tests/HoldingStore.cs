using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// A store that holds the first save matching <paramref name="hold"/> until the test releases it: the coordinator
/// is then inside that commit, which is how a test lines a message up behind it without racing.
/// </summary>
public sealed class HoldingStore(IRunStore inner, Func<RunChange, bool> hold) : DelegatingRunStore(inner)
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holding;

    /// <summary>Completes when the matching save has begun and waits.</summary>
    public Task Held => _held.Task;

    public void Release() => _release.TrySetResult();

    public override async Task SaveAsync(RunChange change, CancellationToken cancellationToken = default)
    {
        if (hold(change) && Interlocked.Exchange(ref _holding, 1) == 0)
        {
            _held.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        await base.SaveAsync(change, cancellationToken);
    }
}
