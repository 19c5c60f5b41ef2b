using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Bot.Dashboard;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests.Audit;

/// <summary>
/// GET /api/audit and /api/audit/verify through the real host on SQLite. ada is an admin, olivia an operator, victor
/// a viewer. Entries this class writes itself are in November 2025, away from the live ones other tests make.
/// </summary>
public sealed class AuditApiTests(OpsFlowFactory factory) : IClassFixture<OpsFlowFactory>
{
    private static readonly DateTimeOffset November = new(2025, 11, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task StartsThroughTheApi_AreListedForAnAdmin_WithWhoWhereAndHowTheyEnded()
    {
        var (started, run) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck" });
        Assert.True(started == HttpStatusCode.Created, $"olivia's start: {(int)started} {run}");
        var runId = run.GetProperty("run").GetProperty("id").GetString()!;
        var (refused, _) = await _api.PostAsync("/api/runs", "victor", new { workflow = "selfcheck" });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        using var fromDashboard = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = JsonContent.Create(new { workflow = "selfcheck" }) };
        fromDashboard.Headers.Add(CallerResolver.UserHeader, "ada");
        fromDashboard.Headers.Add(CallerResolver.ClientHeader, "dashboard");
        Assert.Equal(HttpStatusCode.Created, (await factory.CreateClient().SendAsync(fromDashboard)).StatusCode);

        var (status, entries) = await _api.GetAsync("/api/audit?action=start&limit=1000", "ada");

        Assert.Equal(HttpStatusCode.OK, status);
        var list = entries.EnumerateArray().ToArray();
        var olivia = Assert.Single(list, e => e.GetProperty("target").GetString() == runId);
        Assert.Equal(("olivia", "api", "Done"), (olivia.GetProperty("actorName").GetString(), olivia.GetProperty("via").GetString(), olivia.GetProperty("outcome").GetString()));
        Assert.Contains("olivia", olivia.GetProperty("actorIds").EnumerateArray().Select(i => i.GetString()));
        Assert.Contains(list, e => e.GetProperty("actorName").GetString() == "victor" && e.GetProperty("outcome").GetString() == "Forbidden"
            && e.GetProperty("detail").GetString()!.Contains("operator", StringComparison.Ordinal));
        Assert.Contains(list, e => e.GetProperty("actorName").GetString() == "ada" && e.GetProperty("via").GetString() == "dashboard");
        Assert.All(list, e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("hash").GetString()));
    }

    [Theory]
    [InlineData("/api/audit", "olivia")]
    [InlineData("/api/audit", "victor")]
    [InlineData("/api/audit/verify", "olivia")]
    [InlineData("/api/audit?format=csv", "victor")]
    public async Task ANonAdmin_Gets403_WithAProblemThatSaysWhoMay(string path, string user)
    {
        var (status, body) = await _api.GetAsync(path, user);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("The audit log is for admins", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=yesterday", "from must be a date or a date and time such as from=2026-11-01")]
    [InlineData("to=2026-13-45", "to must be a date or a date and time")]
    [InlineData("from=2026-12-01&to=2026-11-01", "from must be before to")]
    [InlineData("limit=0", "limit must be a whole number from 1 to 1000")]
    [InlineData("limit=1001", "limit must be a whole number from 1 to 1000")]
    [InlineData("limit=ten", "limit must be a whole number from 1 to 1000")]
    [InlineData("after=-1", "after must be an entry's seq")]
    [InlineData("format=xml", "format must be json (the default), jsonl or csv")]
    [InlineData("order=random", "order must be oldest (the default) or newest")]
    public async Task BadParameters_Get400_SayingWhatToSend(string query, string expected)
    {
        var (status, body) = await _api.GetAsync($"/api/audit?{query}", "ada");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_ByTimeActorAndAction_NewestFirst()
    {
        var log = factory.Services.GetRequiredService<IAuditLog>();
        await log.AppendAsync(new AuditEvent(November, "pause", AuditOutcome.Done, "Filter Person", ["29:filter", "filter@contoso.com"], "chat", "run-f1", "paused"));
        await log.AppendAsync(new AuditEvent(November.AddHours(1), "resume", AuditOutcome.Done, "Filter Person", ["29:filter", "filter@contoso.com"], "chat", "run-f1", "resumed"));
        await log.AppendAsync(new AuditEvent(November.AddHours(2), "pause", AuditOutcome.Refused, "Filter Person", ["29:filter", "filter@contoso.com"], "chat", "run-f1", "not running"));

        var (_, pauses) = await _api.GetAsync("/api/audit?from=2025-11-01&to=2025-12-01&actor=FILTER@contoso.com&action=pause&order=newest", "ada");
        var (_, firstOnly) = await _api.GetAsync("/api/audit?from=2025-11-03T09:30:00Z&to=2025-11-04&actor=29:filter&limit=1", "ada");

        Assert.Equal(["not running", "paused"], pauses.EnumerateArray().Select(e => e.GetProperty("detail").GetString()));
        Assert.Equal(["resumed"], firstOnly.EnumerateArray().Select(e => e.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task CsvExport_IsAnAttachment_WhoseFieldsReadBackExactly_WithFormulasDefused()
    {
        var log = factory.Services.GetRequiredService<IAuditLog>();
        var tricky = new AuditEvent(November.AddDays(10).AddTicks(4_321), "reject", AuditOutcome.Refused, "=HYPERLINK(\"x\"), \"Bobby\"",
            ["29:bobby", "bobby@contoso.com"], "dashboard", "run,with,commas", "too late, \"really\"\r\nsecond line");
        await log.AppendAsync(tricky);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/audit?format=csv&from=2025-11-13&to=2025-11-14");
        request.Headers.Add(CallerResolver.UserHeader, "ada");

        using var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var records = Csv.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["seq", "at", "action", "outcome", "actor_name", "actor_ids", "via", "target", "detail", "previous_hash", "hash"], records[0]);
        var row = Assert.Single(records.Skip(1));
        Assert.Equal("'=HYPERLINK(\"x\"), \"Bobby\"", row[4]);
        Assert.Equal("29:bobby\nbobby@contoso.com", row[5]);
        Assert.Equal("run,with,commas", row[7]);
        Assert.Equal("too late, \"really\"\r\nsecond line", row[8]);
        Assert.Equal(tricky.At.UtcTicks, DateTimeOffset.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture).UtcTicks);
    }

    [Fact]
    public async Task JsonLinesExport_IsAnAttachment_OneEntryPerLine_ThatHashesAsStored()
    {
        var log = factory.Services.GetRequiredService<IAuditLog>();
        await log.AppendAsync(new AuditEvent(November.AddDays(20), "cancel", AuditOutcome.Done, "Ada", ["ada"], "api", "run-j1", "one\ntwo"));
        await log.AppendAsync(new AuditEvent(November.AddDays(20).AddMinutes(1), "retry", AuditOutcome.Done, "Ada", ["ada"], "api", "run-j1", "three"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/audit?format=jsonl&from=2025-11-23&to=2025-11-24");
        request.Headers.Add(CallerResolver.UserHeader, "ada");

        using var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".jsonl", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            var read = new AuditEvent(
                e.GetProperty("at").GetDateTimeOffset(), e.GetProperty("action").GetString()!, Enum.Parse<AuditOutcome>(e.GetProperty("outcome").GetString()!),
                e.GetProperty("actorName").GetString()!, [.. e.GetProperty("actorIds").EnumerateArray().Select(i => i.GetString()!)],
                e.GetProperty("via").GetString()!, e.GetProperty("target").GetString()!, e.GetProperty("detail").GetString()!);
            Assert.True(
                AuditChain.Hash(e.GetProperty("seq").GetInt64(), e.GetProperty("previousHash").GetString()!, read) == e.GetProperty("hash").GetString(),
                $"a copy kept elsewhere can be verified from the export alone: {line}");
        }
    }

    [Fact]
    public async Task Verify_OnAnIntactLog_AndAfterARowWasAlteredInTheDatabase()
    {
        using var own = new OpsFlowFactory();
        var api = new ApiClient(own.CreateClient(), own.RunChanged);
        var log = own.Services.GetRequiredService<IAuditLog>();
        for (var i = 0; i < 4; i++)
        {
            await log.AppendAsync(new AuditEvent(November.AddMinutes(i), "approve", AuditOutcome.Done, "mark", ["mark"], "chat", "run-v", $"vote {i}"));
        }

        var (okStatus, intact) = await api.GetAsync("/api/audit/verify", "ada");
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.True(intact.GetProperty("intact").GetBoolean(), $"the log is intact before tampering: {intact}");
        Assert.Equal(JsonValueKind.Null, intact.GetProperty("brokenAt").ValueKind);
        var count = intact.GetProperty("checked").GetInt64();
        Assert.True(count >= 4, $"at least the four entries written here are checked: {intact}");

        await using (var db = new SqliteConnection($"Data Source={own.DatabasePath}"))
        {
            await db.OpenAsync();
            await using var update = db.CreateCommand();
            update.CommandText = "UPDATE audit_log SET Detail = 'nothing to see' WHERE Detail = 'vote 2'";
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var (_, broken) = await api.GetAsync("/api/audit/verify", "ada");

        Assert.False(broken.GetProperty("intact").GetBoolean(), $"the altered row must break the chain: {broken}");
        var at = broken.GetProperty("brokenAt").GetInt64();
        Assert.Contains($"entry {at} was altered", broken.GetProperty("problem").GetString(), StringComparison.Ordinal);
        var (_, altered) = await api.GetAsync($"/api/audit?after={at - 1}&limit=1", "ada");
        Assert.Equal("nothing to see", altered[0].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TheAuditPage_IsServedAsAPageOfTheDashboard()
    {
        using var response = await factory.CreateClient().GetAsync("/audit");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data-nav=\"audit\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>An RFC 4180 reader, written apart from the writer so the test checks the format, not the code against itself.</summary>
    private static class Csv
    {
        public static List<string[]> Parse(string text)
        {
            var records = new List<string[]>();
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else if (c == '\n')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add([.. fields]);
                    fields.Clear();
                }
                else if (c != '\r')
                {
                    field.Append(c);
                }
            }

            Assert.False(quoted, "the CSV ends inside a quoted field");
            return records;
        }
    }
}
