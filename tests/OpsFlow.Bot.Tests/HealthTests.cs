using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsFlow.Bot.Health;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using Quartz;

namespace OpsFlow.Bot.Tests;

/// <summary>/healthz says the process answers; /readyz says whether it can do its work, and what is wrong when not.</summary>
public sealed class HealthTests : IDisposable
{
    private readonly OpsFlowFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Liveness_And_Readiness_AreHealthy_OnAGoodHost()
    {
        Directory.CreateDirectory(_factory.WorkflowsPath);
        await File.WriteAllTextAsync(Path.Combine(_factory.WorkflowsPath, "greet.csx"), "Workflow(\"greet\");\nStep(\"hello\", ctx => ctx.Log(\"hi\"));\n");
        var client = _factory.CreateClient();

        var live = await client.GetAsync("/healthz");
        // Quartz starts its scheduler just after the host: readiness may say "not yet" for a moment, as it should.
        var (status, body) = await WaitForAsync(client, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(status == HttpStatusCode.OK, $"ready: {body}");
        foreach (var check in new[] { "database", "scheduler", "workflows", "teams-token" })
        {
            Assert.Equal("Healthy", body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Readiness_IsUnhealthy_WhileAScriptDoesNotCompile_AndHealthyAgainWhenFixed()
    {
        Directory.CreateDirectory(_factory.WorkflowsPath);
        var file = Path.Combine(_factory.WorkflowsPath, "greet.csx");
        await File.WriteAllTextAsync(file, "Workflow(\"greet\");\nStep(\"hello\", ctx => ctx.Log(\"hi\"));\n");
        var client = _factory.CreateClient();
        await WaitForAsync(client, HttpStatusCode.OK);

        await File.WriteAllTextAsync(file, "Workflow(\"greet\");\nStep(\"hello\", ctx => ctx.Lgo(\"hi\"));\n");
        var (broken, brokenBody) = await WaitForAsync(client, HttpStatusCode.ServiceUnavailable,
            body => body.GetProperty("checks").GetProperty("workflows").GetProperty("status").GetString() == "Unhealthy");
        var workflows = brokenBody.GetProperty("checks").GetProperty("workflows");
        Assert.Equal("Unhealthy", workflows.GetProperty("status").GetString());
        Assert.Contains("greet.csx:2", workflows.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken);

        await File.WriteAllTextAsync(file, "Workflow(\"greet\");\nStep(\"hello\", ctx => ctx.Log(\"hi again\"));\n");
        var (fixedStatus, _) = await WaitForAsync(client, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, fixedStatus);
    }

    // Readiness is a health check the host runs when asked: it is asked again every 200 ms.
    private static Task<(HttpStatusCode Status, JsonElement Body)> WaitForAsync(
        HttpClient client, HttpStatusCode wanted, Func<JsonElement, bool>? also = null)
    {
        var last = default((HttpStatusCode Status, JsonElement Body));
        return Wait.ForAsync(
            async () => last = await ReadAsync(client),
            read => read.Status == wanted && (also is null || also(read.Body)),
            $"/readyz to answer {wanted}",
            within: TimeSpan.FromSeconds(30),
            describe: () => Task.FromResult($"Last answer: {last.Status} {last.Body}"),
            poll: TimeSpan.FromMilliseconds(200));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(HttpClient client)
    {
        var response = await client.GetAsync("/readyz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}

/// <summary>The database check on its own: a database it cannot open, one not migrated, one ready.</summary>
public sealed class DatabaseHealthCheckTests
{
    [Fact]
    public async Task Unreachable_NotMigrated_Ready_AreSaidApart()
    {
        var folder = Directory.CreateTempSubdirectory("opsflow-health-").FullName;
        try
        {
            var notADatabase = Path.Combine(folder, "garbage.db");
            await File.WriteAllTextAsync(notADatabase, new string('x', 4096));

            var empty = $"Data Source={Path.Combine(folder, "empty.db")}";
            await using (var create = new SqliteConnection(empty))
            {
                await create.OpenAsync();
            }

            var unreachable = await CheckAsync($"Data Source={notADatabase}", migrate: false);
            var missing = await CheckAsync($"Data Source={Path.Combine(folder, "missing.db")}", migrate: false);
            var fresh = await CheckAsync(empty, migrate: false);
            var ready = await CheckAsync($"Data Source={Path.Combine(folder, "ready.db")}", migrate: true);

            Assert.Equal(HealthStatus.Unhealthy, unreachable.Status);
            Assert.Equal(HealthStatus.Unhealthy, missing.Status);
            Assert.Equal(HealthStatus.Unhealthy, fresh.Status);
            Assert.Contains("not applied yet", fresh.Description, StringComparison.Ordinal);
            Assert.True(ready.Status == HealthStatus.Healthy, ready.Description);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<HealthCheckResult> CheckAsync(string connectionString, bool migrate)
    {
        await using var services = new ServiceCollection().AddOpsFlowSqlite(connectionString).BuildServiceProvider();
        if (migrate)
        {
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        }

        var check = new DatabaseHealthCheck(services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>());
        return await check.CheckHealthAsync(new HealthCheckContext());
    }
}

/// <summary>The scheduler check on its own: "starting" while the host starts, a fault after.</summary>
public sealed class SchedulerHealthCheckTests
{
    [Fact]
    public async Task SchedulerNotStarted_IsDegradedWhileTheHostStarts_AndUnhealthyOnceItHasStarted()
    {
        await using var services = new ServiceCollection().AddLogging().AddQuartz(quartz => quartz.UseInMemoryStore()).BuildServiceProvider();
        var factory = services.GetRequiredService<ISchedulerFactory>();
        using var lifetime = new Lifetime();
        var check = new SchedulerHealthCheck(services, lifetime);
        var scheduler = await factory.GetScheduler();
        try
        {
            var starting = await check.CheckHealthAsync(new HealthCheckContext());
            lifetime.Started();
            var stuck = await check.CheckHealthAsync(new HealthCheckContext());
            await scheduler.Start();
            var running = await check.CheckHealthAsync(new HealthCheckContext());

            Assert.True(starting.Status == HealthStatus.Degraded, $"while starting: {starting.Status} {starting.Description}");
            Assert.True(stuck.Status == HealthStatus.Unhealthy, $"started host, scheduler not running: {stuck.Status} {stuck.Description}");
            Assert.Equal(HealthStatus.Healthy, running.Status);
        }
        finally
        {
            await scheduler.Shutdown();
        }
    }

    private sealed class Lifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Started() => _started.Cancel();

        public void StopApplication()
        {
        }

        public void Dispose() => _started.Dispose();
    }
}
