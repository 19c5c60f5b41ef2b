using System.Diagnostics;
using System.Globalization;
using Xunit.Sdk;

namespace OpsFlow.Testing;

/// <summary>
/// A pulse that wakes whoever waits for the next change: a component's observer (a committed run change, a recorded
/// connector call) calls <see cref="Pulse"/>, and <see cref="Wait"/> re-checks its condition at once.
/// </summary>
public sealed class Signal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next pulse. Take it before checking a condition, so a change in between is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>
/// The one way tests wait for something to become true. It waits on the component's <see cref="Signal"/> where there is
/// one and polls the condition only as a fallback (for changes nobody announces), always against a real-time limit,
/// so a broken component fails the test with what was awaited instead of hanging it.
/// </summary>
public static class Wait
{
    /// <summary>Long enough for two shared cores running the build beside the tests.</summary>
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(20);

    // With a signal, the poll only bounds a change no signal announces; without one, it is all there is.
    private static readonly TimeSpan SignalledPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Returns when <paramref name="condition"/> holds; fails after <paramref name="within"/> (real time) saying it
    /// waited for <paramref name="what"/>, followed by <paramref name="describe"/>'s account of the state then.
    /// <paramref name="poll"/> is how often a condition is re-checked when no signal comes: a condition that queries a
    /// database, reads a file or calls a host over HTTP wants longer than the default 20 ms.
    /// </summary>
    public static async Task UntilAsync(
        Func<Task<bool>> condition,
        string what,
        Signal? signal = null,
        TimeSpan? within = null,
        Func<Task<string>>? describe = null,
        TimeSpan? poll = null,
        CancellationToken cancellationToken = default)
    {
        var limit = within ?? DefaultWithin;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var next = signal?.Next;
            if (await condition())
            {
                return;
            }

            if (watch.Elapsed > limit)
            {
                var detail = describe is null ? string.Empty : Environment.NewLine + await describe();
                throw new XunitException(string.Create(CultureInfo.InvariantCulture, $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}.{detail}"));
            }

            var recheck = Task.Delay(poll ?? (next is null ? DefaultPoll : SignalledPoll), TimeProvider.System, cancellationToken);
            await (next is null ? recheck : Task.WhenAny(next, recheck));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, Signal?, TimeSpan?, Func{Task{string}}?, CancellationToken)"/>
    public static Task UntilAsync(
        Func<bool> condition,
        string what,
        Signal? signal = null,
        TimeSpan? within = null,
        Func<string>? describe = null,
        TimeSpan? poll = null,
        CancellationToken cancellationToken = default) =>
        UntilAsync(
            () => Task.FromResult(condition()),
            what,
            signal,
            within,
            describe is null ? null : () => Task.FromResult(describe()),
            poll,
            cancellationToken);

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds for its value, and returns that value.</summary>
    public static async Task<T> ForAsync<T>(
        Func<Task<T>> read,
        Func<T, bool> done,
        string what,
        Signal? signal = null,
        TimeSpan? within = null,
        Func<Task<string>>? describe = null,
        TimeSpan? poll = null,
        CancellationToken cancellationToken = default)
    {
        var last = default(T);
        await UntilAsync(async () => done(last = await read()), what, signal, within, describe, poll, cancellationToken);
        return last!;
    }
}
