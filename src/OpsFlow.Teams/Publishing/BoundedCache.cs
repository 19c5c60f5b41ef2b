using System.Collections.Concurrent;

namespace OpsFlow.Teams.Publishing;

/// <summary>A small thread-safe cache that forgets the least recently used entries when it is full.</summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, long Touched)> _entries = new();
    private long _clock;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            _entries[key] = (entry.Value, Interlocked.Increment(ref _clock));
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        _entries[key] = (value, Interlocked.Increment(ref _clock));
        if (_entries.Count > capacity)
        {
            // Evict a quarter at once, so a full cache does not sort on every insert.
            foreach (var old in _entries.OrderBy(e => e.Value.Touched).Take(Math.Max(1, capacity / 4)).Select(e => e.Key).ToArray())
            {
                _entries.TryRemove(old, out _);
            }
        }
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);
}
