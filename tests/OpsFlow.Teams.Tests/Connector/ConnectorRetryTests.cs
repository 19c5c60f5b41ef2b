using System.Net;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Connector;

public sealed class ConnectorRetryTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private readonly ConnectorHarness _h = new();

    private Task<string?> Send(CancellationToken cancellationToken = default) =>
        _h.Create().SendAsync(ConnectorHarness.Conversation, Outgoing.Text(ConnectorHarness.Conversation, "hi"), cancellationToken);

    [Fact]
    public async Task TooManyRequests_WithRetryAfter3_RetriesOnlyAfterThreeSecondsOnTheClock()
    {
        _h.Stub.Enqueue(HttpStatusCode.TooManyRequests, retryAfterSeconds: 3);

        var send = Send();
        var wait = await _h.Clock.WaitForTimerAsync(_h.IsWait);
        _h.Clock.Advance(TimeSpan.FromSeconds(2.9));

        Assert.Equal(TimeSpan.FromSeconds(3), wait);
        Assert.Single(_h.Stub.Requests);
        Assert.False(send.IsCompleted, "the retry must wait for the Retry-After");

        _h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("activity-1", await send.WaitAsync(Within));
        Assert.Equal(2, _h.Stub.Requests.Count);
    }

    [Fact]
    public async Task TooManyRequests_RetryAfterAsDate_WaitsUntilThatTime()
    {
        var at = _h.Clock.GetUtcNow().AddSeconds(10);
        _h.Stub.Enqueue(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(at);
            return response;
        });

        var send = Send();
        var wait = await _h.Clock.WaitForTimerAsync(_h.IsWait);
        _h.Clock.Advance(wait);

        Assert.Equal(TimeSpan.FromSeconds(10), wait);
        Assert.Equal("activity-1", await send.WaitAsync(Within));
    }

    [Fact]
    public async Task TooManyRequests_WithAHugeRetryAfter_WaitsNoLongerThanTheCap()
    {
        _h.Options.AttemptTimeout = TimeSpan.FromMinutes(5);
        _h.Stub.Enqueue(HttpStatusCode.TooManyRequests, retryAfterSeconds: 3600);

        var send = Send();
        var wait = await _h.Clock.WaitForTimerAsync(_h.IsWait);
        _h.Clock.Advance(wait);

        Assert.Equal(_h.Options.MaxRetryAfter, wait);
        Assert.Equal("activity-1", await send.WaitAsync(Within));
    }

    [Fact]
    public async Task BadGatewayThenCreated_SucceedsAfterAJitteredBackoff()
    {
        _h.Stub.Enqueue(HttpStatusCode.BadGateway);

        var send = Send();
        var wait = await _h.Clock.WaitForTimerAsync(_h.IsWait);
        Assert.InRange(wait, _h.Options.BaseDelay, _h.Options.BaseDelay * 1.25);
        Assert.False(send.IsCompleted, "no retry before the backoff elapsed");

        _h.Clock.Advance(wait);
        Assert.Equal("activity-1", await send.WaitAsync(Within));
        Assert.Equal(2, _h.Stub.Requests.Count);
    }

    [Fact]
    public async Task NetworkErrorAndTimeout_AreRetried()
    {
        _h.Stub.EnqueueFailure().EnqueueHang();

        var send = Send();
        _h.Clock.Advance(await _h.Clock.WaitForTimerAsync(_h.IsWait));
        await _h.Stub.WaitForRequestsAsync(2);
        _h.Clock.Advance(_h.Options.AttemptTimeout);
        var second = await _h.Clock.WaitForTimerAsync(_h.IsWait, count: 2);
        _h.Clock.Advance(second);

        Assert.Equal("activity-1", await send.WaitAsync(Within));
        Assert.Equal(3, _h.Stub.Requests.Count);
        Assert.InRange(second, _h.Options.BaseDelay * 2, _h.Options.BaseDelay * 2.5);
    }

    [Fact]
    public async Task AttemptsExhausted_ThrowsWithTheLastStatus_AfterMaxAttempts()
    {
        _h.Options.MaxAttempts = 3;
        _h.Stub.Enqueue(HttpStatusCode.ServiceUnavailable).Enqueue(HttpStatusCode.ServiceUnavailable).Enqueue(HttpStatusCode.ServiceUnavailable);

        var send = Send();
        for (var wait = 1; wait < _h.Options.MaxAttempts; wait++)
        {
            _h.Clock.Advance(await _h.Clock.WaitForTimerAsync(_h.IsWait, wait));
        }

        var error = await Assert.ThrowsAsync<ConnectorException>(() => send.WaitAsync(Within));
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(3, _h.Stub.Requests.Count);
        Assert.Contains(_h.Logger.Entries, e => e.Level == LogLevel.Error && e.EventId.Id == 4131 && e.Message.Contains("attempt 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancellation_DuringTheWait_EndsTheCallWithoutAnotherAttempt()
    {
        _h.Stub.Enqueue(HttpStatusCode.ServiceUnavailable);
        using var cancel = new CancellationTokenSource();

        var send = Send(cancel.Token);
        await _h.Clock.WaitForTimerAsync(_h.IsWait);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(Within));
        Assert.Single(_h.Stub.Requests);
    }

    [Fact]
    public async Task Retries_AreLoggedWithCallAndStatus_ButNeverTheToken()
    {
        _h.Stub.Enqueue(HttpStatusCode.TooManyRequests, retryAfterSeconds: 1, body: "{\"error\":{\"message\":\"slow down\"}}");

        var send = Send();
        _h.Clock.Advance(await _h.Clock.WaitForTimerAsync(_h.IsWait));
        await send.WaitAsync(Within);

        var retry = Assert.Single(_h.Logger.Entries, e => e.EventId.Id == 4130);
        Assert.Contains("POST", retry.Message, StringComparison.Ordinal);
        Assert.Contains(ConnectorHarness.Conversation.ConversationId, retry.Message, StringComparison.Ordinal);
        Assert.Contains("429", retry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_h.Logger.Entries, e => e.Message.Contains(ConnectorHarness.Token, StringComparison.Ordinal) || e.Message.Contains("slow down", StringComparison.Ordinal));
    }
}
