using System.Collections.Concurrent;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// How many commands one person, and one conversation, may send a minute (<see cref="TeamsOptions.CommandsPerUserPerMinute"/>,
/// <see cref="TeamsOptions.CommandsPerConversationPerMinute"/>): a script in a loop or a stuck client must not start
/// runs, or fill the database, faster than people can read. Counted per calendar minute on the injected clock.
/// </summary>
internal sealed class CommandRate(TeamsOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (long Minute, int Count)> _counts = new(StringComparer.Ordinal);

    /// <summary>Null when the command may go on (and it is counted); otherwise what to tell the person.</summary>
    public string? Refusal(string userId, string conversationId)
    {
        var minute = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        if (_counts.Count > 10_000)
        {
            // Old minutes only: a long-running host does not keep a counter for everyone who ever wrote.
            foreach (var (key, value) in _counts)
            {
                if (value.Minute < minute)
                {
                    _counts.TryRemove(key, out _);
                }
            }
        }

        if (Over($"user:{userId}", minute, options.CommandsPerUserPerMinute))
        {
            return $"You have sent {options.CommandsPerUserPerMinute} commands this minute, as many as OpsFlow takes from one person; wait a moment and send it again.";
        }

        return Over($"conversation:{conversationId}", minute, options.CommandsPerConversationPerMinute)
            ? $"This conversation has sent {options.CommandsPerConversationPerMinute} commands this minute, as many as OpsFlow takes from one conversation; wait a moment and send it again."
            : null;
    }

    private bool Over(string key, long minute, int limit)
    {
        var counted = _counts.AddOrUpdate(key, (minute, 1), (_, old) => old.Minute == minute ? (minute, old.Count + 1) : (minute, 1));
        return counted.Count > limit;
    }
}
