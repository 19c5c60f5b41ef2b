using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.InProcess;

/// <summary>The audit log of a host without a database (tests, the engine alone): chained like the stored one, gone at exit.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly Lock _gate = new();
    private readonly List<AuditEntry> _entries = [];

    public Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // After the last entry, as a database store does, so a test's Remove leaves a gap rather than a second seq.
            var last = _entries.Count == 0 ? null : _entries[^1];
            _entries.Add(AuditChain.Link((last?.Seq ?? 0) + 1, last?.Hash ?? AuditChain.Genesis, entry));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var ordered = query.NewestFirst ? Enumerable.Reverse(_entries) : _entries;
            return Task.FromResult<IReadOnlyList<AuditEntry>>(ordered.Where(e => AuditFilter.Matches(query, e)).Take(query.Limit).ToArray());
        }
    }

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var broken = AuditChain.FirstBreak(_entries, null);
            return Task.FromResult(new AuditVerification(_entries.Count, broken?.Seq, broken?.Problem));
        }
    }

    /// <summary>Replaces an entry as stored, for tests of the chain's verification (an attacker with database access).</summary>
    public void Tamper(long seq, Func<AuditEntry, AuditEntry> change)
    {
        lock (_gate)
        {
            var i = _entries.FindIndex(e => e.Seq == seq);
            _entries[i] = change(_entries[i]);
        }
    }

    /// <summary>Deletes an entry as stored, for tests of the chain's verification (an attacker with database access).</summary>
    public void Remove(long seq)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Seq == seq);
        }
    }
}
