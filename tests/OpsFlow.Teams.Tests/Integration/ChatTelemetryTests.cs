using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>
/// The chat path as an operator watches it: connector calls by status with 429s counted, card writes, handled
/// activities, and the trace of a run linked to the chat activity that started it. A factory of its own, so the
/// 429 queued here is answered to this test's call and no other.
/// </summary>
public sealed class ChatTelemetryTests(ChatTelemetryTests.TracedTeamsFactory factory) : IClassFixture<ChatTelemetryTests.TracedTeamsFactory>
{
    [Fact]
    public async Task ACommand_IsCountedAndTraced_FromTheActivityToTheRunAndItsCard()
    {
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";
        factory.Connector.Enqueue(HttpStatusCode.TooManyRequests, retryAfterSeconds: 0);
        var activity = ActivityJson.Message("gated dev", "olivia", conversation: conversation);

        await factory.PostActivityAsync(activity);
        await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.IsPut() && x.Card().Contains("Waiting for approval", StringComparison.OrdinalIgnoreCase)), "the card, updated to the approval");

        var scrape = await factory.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        AssertSeries(scrape, "opsflow_connector_throttled_total", "operation=\"POST\"");
        AssertSeries(scrape, "opsflow_connector_calls_total", "operation=\"POST\"", "status=\"429\"");
        AssertSeries(scrape, "opsflow_connector_calls_total", "operation=\"POST\"", "status=\"201\"");
        AssertSeries(scrape, "opsflow_cards_writes_total", "kind=\"post\"", "outcome=\"ok\"");
        AssertSeries(scrape, "opsflow_chat_activities_total", "type=\"message\"", "outcome=\"handled\"");
        Assert.Contains("# TYPE opsflow_cards_coalesced_total counter", scrape, StringComparison.Ordinal);

        var handled = await WaitForSpanAsync(s => s.DisplayName == "chat message" && Equals(s.GetTagItem("opsflow.activity.id"), activity["id"]!.GetValue<string>()));
        var runId = Assert.IsType<string>(handled.GetTagItem("opsflow.run.id"));
        var root = await WaitForSpanAsync(s => s.DisplayName == "run gated" && Equals(s.GetTagItem("opsflow.run.id"), runId), stopped: false);
        Assert.Equal(handled.Context, Assert.Single(root.Links).Context);
        var delivery = Assert.Single(handled.Links).Context;
        Assert.Contains(factory.Spans(), s => s.SpanId == delivery.SpanId && s.Kind == ActivityKind.Server && Equals(s.GetTagItem("url.path"), "/api/messages"));
    }

    private static void AssertSeries(string scrape, string name, params string[] labels)
    {
        var lines = scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal)).ToArray();
        Assert.True(
            lines.Any(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)) && !l.EndsWith(" 0", StringComparison.Ordinal)),
            $"no non-zero {name} with {string.Join(", ", labels)} in:\n{string.Join('\n', lines)}");
    }

    // The exporter announces nothing: spans are polled.
    private async Task<Activity> WaitForSpanAsync(Func<Activity, bool> match, bool stopped = true) =>
        (await Wait.ForAsync(
            () => Task.FromResult((stopped ? factory.Spans() : factory.Started()).FirstOrDefault(match)),
            span => span is not null,
            "the span",
            within: TimeSpan.FromSeconds(10),
            describe: () => Task.FromResult("Spans seen: " + string.Join(", ", factory.Spans().Select(s => s.DisplayName))),
            poll: TimeSpan.FromMilliseconds(50)))!;

    /// <summary>Tracing on; ended spans are exported to a list, and started ones noted (a waiting run's root is still open).</summary>
    public sealed class TracedTeamsFactory : TeamsFactory
    {
        private readonly List<Activity> _ended = [];
        private readonly List<Activity> _started = [];

        public IReadOnlyList<Activity> Spans()
        {
            lock (_ended)
            {
                return _ended.ToArray();
            }
        }

        public IReadOnlyList<Activity> Started()
        {
            lock (_started)
            {
                return _started.ToArray();
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("OpsFlow:Telemetry:Tracing", "true");
            builder.ConfigureTestServices(services =>
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Recorder(_started, _ended))));
        }

        private sealed class Recorder(List<Activity> started, List<Activity> ended) : BaseProcessor<Activity>
        {
            public override void OnStart(Activity data)
            {
                lock (started)
                {
                    started.Add(data);
                }
            }

            public override void OnEnd(Activity data)
            {
                lock (ended)
                {
                    ended.Add(data);
                }
            }
        }
    }
}
