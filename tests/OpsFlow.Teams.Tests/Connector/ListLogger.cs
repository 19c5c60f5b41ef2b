using Microsoft.Extensions.Logging;

namespace OpsFlow.Teams.Tests.Connector;

public sealed record LogEntry(LogLevel Level, EventId EventId, string Message);

/// <summary>An ILogger that keeps what was logged, for assertions on levels, event ids and (absent) secrets.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly Lock _sync = new();
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_sync)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_sync)
        {
            _entries.Add(new LogEntry(logLevel, eventId, formatter(state, exception)));
        }
    }
}
