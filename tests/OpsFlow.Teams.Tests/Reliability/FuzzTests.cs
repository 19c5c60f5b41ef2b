using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpsFlow.Teams.Tests.Integration;
using Xunit.Abstractions;

namespace OpsFlow.Teams.Tests.Reliability;

/// <summary>
/// Malformed input (docs/reliability.md, "Malformed input"): random and mutated activities, bytes that are not JSON or not UTF-8, deep
/// nesting and huge bodies against /api/messages and the HTTP API of the real host. No answer may be a 5xx, the
/// host must still answer afterwards, and its memory must come back down. The seed is printed; set
/// OPSFLOW_FUZZ_SEED to replay or vary it.
/// </summary>
public sealed class FuzzTests(ReliabilityFactory factory, ITestOutputHelper output) : IClassFixture<ReliabilityFactory>
{
    /// <summary>What the managed heap may grow by over a fuzz run, after a full collection.</summary>
    private const long MemoryCeilingBytes = 150L * 1024 * 1024;

    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("OPSFLOW_FUZZ_SEED"), out var seed) ? seed : 20261126;

    [Fact]
    public async Task MessagesEndpoint_MutatedActivitiesBadBytesDeepNestingAndHugeBodies_NeverA5xx_AndTheHostStillAnswers()
    {
        output.WriteLine($"seed {Seed} (OPSFLOW_FUZZ_SEED replays another)");
        var random = new Random(Seed);
        var mutator = new JsonMutator(random);
        var fuzz = new FuzzRun(factory.CreateClient());
        var before = ManagedBytesAfterCollect();
        var logged = factory.Log.Entries.Count;
        JsonObject[] valid =
        [
            ActivityJson.Message("help", "olivia"),
            ActivityJson.Message("gated dev", "olivia", conversation: $"19:{Guid.NewGuid():n}@thread.tacv2"),
            ActivityJson.CardAction("approve", new JsonObject { ["runId"] = "nope", ["step"] = "gate" }, "mark", "1700000000001"),
            ActivityJson.BotAdded(),
        ];

        for (var i = 0; i < 400; i++)
        {
            await fuzz.PostAsync("/api/messages", Encoding.UTF8.GetBytes(mutator.Mutate(valid[random.Next(valid.Length)]).ToJsonString()), "mutated activity");
        }

        for (var i = 0; i < 150; i++)
        {
            await fuzz.PostAsync("/api/messages", mutator.BadBytes(valid[random.Next(valid.Length)].ToJsonString()), "bad bytes");
        }

        await fuzz.PostAsync("/api/messages", Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)), "arrays 100,000 deep");
        await fuzz.PostAsync("/api/messages", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 20_000)) + "1" + new string('}', 20_000)), "objects 20,000 deep");
        var deepValue = ActivityJson.CardAction("approve", new JsonObject(), "mark", "1");
        await fuzz.PostAsync("/api/messages", Encoding.UTF8.GetBytes(deepValue.ToJsonString().Replace("\"data\":{}", "\"data\":" + new string('[', 5_000) + new string(']', 5_000), StringComparison.Ordinal)), "a card action 5,000 deep");
        var huge = ActivityJson.Message("help", "olivia");
        huge["text"] = new string('a', 8 * 1024 * 1024);
        var hugeStatus = await fuzz.PostAsync("/api/messages", Encoding.UTF8.GetBytes(huge.ToJsonString()), "an 8 MiB message");

        output.WriteLine(fuzz.Summary());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeStatus);
        Assert.Empty(fuzz.ServerErrors);
        await AssertOutcomesAsync(fuzz, logged);
        await AssertStillAnswersAsync(before);
    }

    /// <summary>
    /// An immediate status says little: accepted activities are handled in the background. After the corpus, every
    /// accepted one has been handled (nothing is pending), every refusal has its logged reason, and nothing was
    /// logged as an error or with an exception: a mutated activity that crashed a handler fails the test.
    /// </summary>
    private async Task AssertOutcomesAsync(FuzzRun fuzz, int loggedBefore)
    {
        await factory.WaitForChatQuiescenceAsync();
        var events = factory.Log.Entries.Skip(loggedBefore).ToArray();
        int[] refusalEvents = [4000, 4001, 4013];
        var refusals = events.Count(e => e.EventId is { } id && refusalEvents.Contains(id));
        output.WriteLine($"{fuzz.Refused} refused with a 4xx, {refusals} refusals logged with their reason");
        Assert.True(refusals >= fuzz.Refused, $"{fuzz.Refused} answers were 4xx but only {refusals} refusals were logged with a reason");
        var errors = events.Where(e => e.Level >= Serilog.Events.LogEventLevel.Error || e.HasException).Select(e => e.Text).ToArray();
        Assert.True(errors.Length == 0, $"the fuzz run logged {errors.Length} error(s) or exception(s), first: {errors.FirstOrDefault()}");
    }

    [Fact]
    public async Task HttpApi_WrongTypesBadBytesAndRandomQueries_NeverA5xx()
    {
        output.WriteLine($"seed {Seed}");
        var random = new Random(Seed + 1);
        var mutator = new JsonMutator(random);
        var fuzz = new FuzzRun(factory.CreateClient());
        var before = ManagedBytesAfterCollect();
        (string Path, JsonObject Body)[] commands =
        [
            ("/api/runs", new JsonObject { ["workflow"] = "gated", ["parameters"] = new JsonObject { ["env"] = "dev" } }),
            ("/api/runs/nope/approvals", new JsonObject { ["decision"] = "approve", ["step"] = "gate", ["reason"] = "ok" }),
            ("/api/schedules", new JsonObject { ["workflow"] = "gated", ["cron"] = "0 0 * * * ?", ["parameters"] = new JsonObject { ["env"] = "dev" } }),
            ("/api/runs/nope/cancel", new JsonObject { ["reason"] = "stop" }),
            ("/api/runs/nope/steps/gate/skip", new JsonObject { ["reason"] = "skip" }),
        ];
        string[] queries =
        [
            "/api/runs?workflow={0}&status={0}&requestedBy={0}&from={0}&to={0}&skip={0}&take={0}",
            "/api/reports/summary?from={0}&to={0}", "/api/reports/success-rate?from={0}&bucket={0}",
            "/api/reports/step-durations?from={0}&to={0}&workflow={0}", "/api/reports/failures?take={0}",
            "/api/reports/workflows?to={0}", "/api/reports/monthly?month={0}", "/api/runs/{0}", "/api/runs/{0}/graph",
            "/api/runs/x/steps/{0}/log?after={0}&take={0}", "/api/runs/{0}/source",
        ];

        for (var i = 0; i < 300; i++)
        {
            var (path, body) = commands[random.Next(commands.Length)];
            await fuzz.PostAsync(path, Encoding.UTF8.GetBytes(mutator.Mutate(body).ToJsonString()), "mutated command", "ada");
        }

        for (var i = 0; i < 100; i++)
        {
            var (path, body) = commands[random.Next(commands.Length)];
            await fuzz.PostAsync(path, mutator.BadBytes(body.ToJsonString()), "bad bytes", "ada");
        }

        for (var i = 0; i < 300; i++)
        {
            var value = Uri.EscapeDataString(mutator.RandomValue().ToJsonString().Trim('"'));
            await fuzz.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, queries[random.Next(queries.Length)], value), "random query");
        }

        await fuzz.PostAsync("/api/runs", Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)), "arrays 100,000 deep", "ada");
        var hugeStatus = await fuzz.PostAsync("/api/runs", Encoding.UTF8.GetBytes($"{{\"workflow\":\"{new string('g', 4 * 1024 * 1024)}\"}}"), "a 4 MiB command", "ada");

        output.WriteLine(fuzz.Summary());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeStatus);
        Assert.Empty(fuzz.ServerErrors);
        await AssertStillAnswersAsync(before);
    }

    private async Task AssertStillAnswersAsync(long before)
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";
        Assert.Equal(HttpStatusCode.OK, (await factory.PostActivityAsync(ActivityJson.Message("help", "olivia", conversation: conversation))).StatusCode);
        await factory.Connector.WaitAsync(conversation, r => r.Any(x => x.Card().Contains("gated", StringComparison.Ordinal)), "the help card after the fuzzing");
        var grown = ManagedBytesAfterCollect() - before;
        output.WriteLine($"managed heap after a full collection grew by {grown / 1024.0 / 1024.0:0.0} MiB (ceiling {MemoryCeilingBytes / 1024 / 1024} MiB)");
        Assert.True(grown < MemoryCeilingBytes, $"the managed heap grew by {grown:N0} bytes over the fuzz run");
    }

    private static long ManagedBytesAfterCollect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Sends the cases, counts the answers by status, and keeps every 5xx with what caused it.</summary>
    private sealed class FuzzRun(HttpClient client)
    {
        private readonly Dictionary<int, int> _statuses = [];
        private int _cases;

        public List<string> ServerErrors { get; } = [];

        /// <summary>How many answers were 4xx: each must have its reason in the log.</summary>
        public int Refused { get; private set; }

        public async Task<HttpStatusCode> PostAsync(string path, byte[] body, string what, string user = "olivia")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-OpsFlow-User", user);
            return await SendAsync(request, what, Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]));
        }

        public async Task<HttpStatusCode> GetAsync(string path, string what)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-OpsFlow-User", "ada");
            return await SendAsync(request, what, path);
        }

        public string Summary() =>
            $"{_cases} cases; answers: {string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}"))}";

        private async Task<HttpStatusCode> SendAsync(HttpRequestMessage request, string what, string sample)
        {
            _cases++;
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
            Refused += status is >= 400 and < 500 ? 1 : 0;
            if (status >= 500)
            {
                ServerErrors.Add($"{status} for {what} {request.RequestUri}: {sample}\n{await response.Content.ReadAsStringAsync()}");
            }

            return response.StatusCode;
        }
    }
}
