using Microsoft.Extensions.Time.Testing;
using OpsFlow.Bot.Hosting;
using OpsFlow.Bot.Workflows;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Scripting;
using OpsFlow.Scripting.Api;
using OpsFlow.Scripting.Api.Testing;

namespace OpsFlow.Bot.Cli.Testing;

/// <summary>
/// The OpsFlow one test drives: the server's engine, SQLite store and script catalog, in a generic host of its own
/// with a database in the test's folder, a fake clock, and a script environment holding the test's settings and fakes.
/// Nothing of the machine's configuration reaches it but the workflows folder and the compile cache, so a test gives
/// the same result on every machine.
/// </summary>
internal sealed class ScriptTestHost : IWorkflowTestHost
{
    /// <summary>How long a run may take to settle, in real time: a step that waits on the test's clock never does.</summary>
    internal static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    private readonly string _connectionString;
    private readonly FakeTimeProvider _clock;
    private readonly WorkflowEngine _engine;
    private readonly IRunStore _store;
    private readonly List<string> _runs = [];

    private ScriptTestHost(IHost host, FakeTimeProvider clock, string connectionString)
    {
        _connectionString = connectionString;
        _host = host;
        _clock = clock;
        _engine = host.Services.GetRequiredService<WorkflowEngine>();
        _store = host.Services.GetRequiredService<IRunStore>();
    }

    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Builds the host in <paramref name="world"/>'s folder, migrates its database and loads the workflows.</summary>
    public static async Task<ScriptTestHost> StartAsync(TestWorld world, string workflowsFolder, string cacheFolder, DateTimeOffset startsAt, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(world.DataDirectory)!;
        var connectionString = $"Data Source={Path.Combine(folder, "opsflow.db")}";
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:OpsFlow"] = connectionString,
            [ScriptingServiceCollectionExtensions.WorkflowsPathKey] = workflowsFolder,
            [$"{ScriptingServiceCollectionExtensions.Section}:CachePath"] = cacheFolder,
            [$"{ScriptingServiceCollectionExtensions.Section}:DataPath"] = world.DataDirectory,
            // The clock moves only when the test says: a lease must outlast any advance a test makes.
            [$"{EngineServiceCollectionExtensions.Section}:LeaseDuration"] = TimeSpan.FromDays(3650).ToString(),
            [$"{EngineServiceCollectionExtensions.Section}:LeaseRenewInterval"] = TimeSpan.FromDays(1).ToString(),
        };
        foreach (var (name, value) in world.Secrets)
        {
            settings[$"OpsFlow:Secrets:{name}"] = value;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddInMemoryCollection(settings);
        var clock = new FakeTimeProvider(startsAt);
        builder.Services.AddSingleton<TimeProvider>(clock);
        // Registered before the catalog's own: scripts see the test's settings, folder, nodes and machine.
        builder.Services.AddSingleton<IScriptEnvironment>(new ScriptEnvironment(world.Settings, world.DataDirectory, world.Fleet, world.Machine));
        builder.Services.AddOpsFlowPersistence(builder.Configuration);
        builder.Services.AddOpsFlowEngine(builder.Configuration);
        builder.Services.AddOpsFlowBuiltInWorkflows();
        builder.Services.AddOpsFlowScripts(builder.Configuration);

        var host = builder.Build();
        try
        {
            await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            foreach (var step in host.Services.GetServices<IStartupStep>())
            {
                await step.RunAsync(cancellationToken);
            }

            return new ScriptTestHost(host, clock, connectionString);
        }
        catch
        {
            await DisposeHostAsync(host);
            throw;
        }
    }

    public async Task<RunView> StartAsync(string workflow, string arguments, string by, CancellationToken cancellationToken)
    {
        var catalog = _host.Services.GetRequiredService<IWorkflowCatalog>();
        var descriptor = catalog.Find(workflow) ?? throw new TestFailedException(NoWorkflow(workflow, catalog));
        var parsed = ParameterArguments.Parse(descriptor.Parameters, ParameterArguments.Tokenize(arguments));
        if (parsed.Errors.Count > 0)
        {
            throw new TestFailedException($"{workflow} {arguments}: {string.Join("; ", parsed.Errors)}");
        }

        var actor = new Actor(by, by, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Roles.Operator }) { Via = "test" };
        var result = await _engine.StartAsync(new StartRunRequest(workflow, parsed.Values, actor, "test"), cancellationToken);
        var run = result switch
        {
            StartRunResult.Started started => started.Run,
            StartRunResult.Queued queued => queued.Run,
            _ => throw new TestFailedException($"starting {workflow} {arguments} was refused: {Refusal(result)}"),
        };
        _runs.Add(run.Id);
        await SettleAsync(run.Id, cancellationToken);
        return await ReadAsync(run.Id, cancellationToken);
    }

    public async Task<(RunView Run, string? Refused)> SendAsync(string runId, TestCommand command, CancellationToken cancellationToken)
    {
        var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Roles.Operator };
        if (command is TestCommand.Decide { Role: { } role })
        {
            roles.Add(role);
        }

        var actor = new Actor(command.By, command.By, roles) { Via = "test" };
        RunCommand sent = command switch
        {
            TestCommand.Decide decide => new RunCommand.Decide(actor, decide.Step, decide.Approve ? ApprovalAction.Approve : ApprovalAction.Reject, decide.Reason),
            TestCommand.Cancel cancel => new RunCommand.Cancel(actor, cancel.Reason),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "unknown test command"),
        };
        var result = await _engine.SendAsync(runId, sent, cancellationToken);
        await SettleAsync(runId, cancellationToken);
        return (await ReadAsync(runId, cancellationToken), result.Outcome == CommandOutcome.Done ? null : result.Message);
    }

    public async Task AdvanceAsync(TimeSpan by, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(by.Ticks, nameof(by));
        _clock.Advance(by);
        foreach (var run in _runs)
        {
            await SettleAsync(run, cancellationToken);
        }
    }

    public async Task<RunView> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await _store.GetRunAsync(runId, cancellationToken) ?? throw new TestFailedException($"there is no run {runId}");
        var steps = await _store.GetStepsAsync(runId, cancellationToken);
        return new RunView(
            run.Id,
            run.Workflow,
            run.Status.ToString(),
            run.Error,
            [.. steps.OrderBy(s => s.Position).Select(s => new StepView(s.Name, s.Status.ToString(), s.Attempt, s.Error, s.Outputs, s.Items))]);
    }

    public async Task<IReadOnlyList<string>> LogAsync(string runId, string step, CancellationToken cancellationToken) =>
        [.. (await _store.GetStepLogAsync(runId, step, cancellationToken)).Select(l => l.Text)];

    public async ValueTask DisposeAsync()
    {
        await DisposeHostAsync(_host);
        // Each test's database is a file of its own: its pooled connections would stay open until the process ends.
        using var pooled = new Microsoft.Data.Sqlite.SqliteConnection(_connectionString);
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(pooled);
    }

    /// <summary>
    /// Waits until the engine has handled everything the last action caused and no step of the run executes: what
    /// is left waits for a person, the clock or a command. A step waiting on the test's clock inside its body (a
    /// health check's pause) would wait for ever, so the wait is bounded in real time and says so.
    /// </summary>
    private async Task SettleAsync(string runId, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(SettleLimit);
        try
        {
            // Handled what the last action caused, then no step executing, then whatever their ends caused handled.
            await _engine.WhenQuiescentAsync(limit.Token);
            await _engine.DriveAsync(runId, limit.Token);
            await _engine.WhenQuiescentAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var running = (await _store.GetStepsAsync(runId, cancellationToken)).Where(s => s.Status is StepStatus.Running or StepStatus.Compensating).Select(s => s.Name);
            throw new TestFailedException(
                $"run {runId} did not settle within {SettleLimit.TotalSeconds:0} s: {string.Join(", ", running)} still executing. "
                + "A step that waits on the clock inside its body (a health check's interval, a pause between batches) waits on the test's clock, "
                + "which moves only with t.Advance: give such waits 0 through t.Setting.");
        }
    }

    private static string NoWorkflow(string workflow, IWorkflowCatalog catalog) =>
        $"there is no workflow '{workflow}' (a script that does not load is not one: run opsflow validate); workflows: {string.Join(", ", catalog.List().Select(w => w.Name))}";

    private static string Refusal(StartRunResult result) => result switch
    {
        StartRunResult.InvalidParameters invalid => string.Join("; ", invalid.Errors.Select(e => $"{e.Parameter} {e.Problem} (example: {e.Parameter}={e.Example})")),
        StartRunResult.InvalidDefinition invalid => string.Join("; ", invalid.Problems),
        StartRunResult.LockHeld held => $"run {held.Holder.Id} holds the lock {held.LockKey}",
        StartRunResult.Forbidden forbidden => forbidden.Reason,
        StartRunResult.UnknownWorkflow unknown => $"no workflow '{unknown.Workflow}'",
        StartRunResult.Duplicate duplicate => $"a duplicate of run {duplicate.Run.Id}",
        _ => result.GetType().Name,
    };

    private static async Task DisposeHostAsync(IHost host)
    {
        if (host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
