using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// A store whose Nth save fails (or every save from the Nth on), as a full disk or a lost connection would make it.
/// </summary>
public sealed class FailingStore(IRunStore inner, int failSave, bool keepFailing = false) : DelegatingRunStore(inner)
{
    private int _saves;

    public int Failures { get; private set; }

    public override Task SaveAsync(RunChange change, CancellationToken cancellationToken = default)
    {
        var save = Interlocked.Increment(ref _saves);
        if (save == failSave || (keepFailing && save > failSave))
        {
            Failures++;
            throw new IOException("disk I/O error");
        }

        return base.SaveAsync(change, cancellationToken);
    }
}
