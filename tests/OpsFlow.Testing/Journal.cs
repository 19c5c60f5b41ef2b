using System.Collections.Concurrent;

namespace OpsFlow.Testing;

/// <summary>What step bodies did, in order: the evidence tests assert on.</summary>
public sealed class Journal
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => _entries.ToArray();

    public void Add(string entry) => _entries.Enqueue(entry);

    public int Count(string entry) => _entries.Count(e => e == entry);

    public override string ToString() => string.Join(", ", _entries);
}
