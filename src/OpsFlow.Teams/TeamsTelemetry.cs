using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpsFlow.Teams;

/// <summary>
/// The chat channel's metrics and spans (BCL types only; the host decides who listens): connector calls by status,
/// with 429s counted apart, card writes and the changes coalesced into them, and one span per handled activity.
/// </summary>
public sealed class TeamsTelemetry : IDisposable
{
    public const string MeterName = "OpsFlow.Teams";
    public const string ActivitySourceName = "OpsFlow.Teams";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>For code built without the container (tests, tools): a meter of its own.</summary>
    internal static readonly TeamsTelemetry Unregistered = new();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _cardWrites;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _activities;

    public TeamsTelemetry(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>("opsflow.connector.calls", "{call}", "Bot Connector HTTP attempts, by operation and status (a code, 'timeout' or 'network_error').");
        _throttled = _meter.CreateCounter<long>("opsflow.connector.throttled", "{call}", "Bot Connector attempts answered 429 Too Many Requests, by operation.");
        _cardWrites = _meter.CreateCounter<long>("opsflow.cards.writes", "{write}", "Run cards written to a conversation, by kind (post, update) and outcome.");
        _coalesced = _meter.CreateCounter<long>("opsflow.cards.coalesced", "{change}", "Run changes folded into a card write already pending, instead of a write of their own.");
        _activities = _meter.CreateCounter<long>("opsflow.chat.activities", "{activity}", "Inbound activities handled, by type and outcome.");
    }

    internal void ConnectorCall(string operation, string status)
    {
        var tags = new TagList { { "operation", operation }, { "status", status } };
        _calls.Add(1, tags);
        if (status == "429")
        {
            _throttled.Add(1, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    internal void CardWritten(string kind, bool succeeded) =>
        _cardWrites.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed"));

    internal void CardChangeCoalesced() => _coalesced.Add(1);

    internal void ActivityHandled(string type, string outcome) =>
        _activities.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
