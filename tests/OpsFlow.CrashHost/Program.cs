// The crash test's engine process. Usage:
//   OpsFlow.CrashHost <database file> <journal file> <runs to start on an empty database>
// It migrates, resumes whatever was active, starts the runs if the database has none, and exits 0 when no
// run is active any more. Step bodies append "start|end <run> <step> <attempt>" lines to the journal, which
// the test compares with the database after killing this process several times.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: OpsFlow.CrashHost <database file> <journal file> <runs>");
    return 2;
}

var journal = new JournalFile(args[1]);
var runs = int.Parse(args[2], CultureInfo.InvariantCulture);
await using var services = new ServiceCollection()
    .AddSingleton(TimeProvider.System)
    .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
    .AddOpsFlowSqlite($"Data Source={args[0]}")
    .AddSingleton<IWorkflowCatalog>(new InMemoryWorkflowCatalog().Add(CrashWorkflow.Build(journal)))
    .AddOpsFlowEngine()
    .BuildServiceProvider();
await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
var store = services.GetRequiredService<IRunStore>();
var engine = services.GetRequiredService<WorkflowEngine>();

var resumed = await engine.RecoverAsync();
Console.WriteLine($"resumed {resumed}");
if ((await store.ListRunsAsync(new RunQuery { Take = 1 })).Total == 0)
{
    var operatorActor = new Actor("crash-test", "Crash Test", new HashSet<string> { Roles.Operator });
    await Task.WhenAll(Enumerable.Range(0, runs).Select(i =>
        engine.StartAsync(new StartRunRequest("crashy", new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }, operatorActor, "crash-test"))));
    Console.WriteLine($"started {runs}");
}

while ((await store.GetActiveRunsAsync()).Count > 0)
{
    await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
}

Console.WriteLine("all runs ended");
await engine.DisposeAsync();
return 0;

/// <summary>Lines appended with the file closed after each, so a SIGKILL loses none that were written.</summary>
internal sealed class JournalFile(string path)
{
    private readonly Lock _gate = new();

    public void Write(string line)
    {
        lock (_gate)
        {
            File.AppendAllText(path, line + "\n");
        }
    }
}

/// <summary>Fan-out, fan-in, a retried step and a compensation: the shapes a crash must not break.</summary>
internal static class CrashWorkflow
{
    public static WorkflowDefinition Build(JournalFile journal)
    {
        Func<StepContext, Task> Work(bool failFirstAttempt = false) => async ctx =>
        {
            journal.Write($"start {ctx.RunId} {ctx.StepName} {ctx.Attempt}");
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(100, 300)), ctx.Clock, ctx.CancellationToken);
            if (failFirstAttempt && ctx.Attempt == 1)
            {
                journal.Write($"fail {ctx.RunId} {ctx.StepName} {ctx.Attempt}");
                throw new InvalidOperationException("first attempts of this step fail");
            }

            journal.Write($"end {ctx.RunId} {ctx.StepName} {ctx.Attempt}");
        };

        var workflow = new WorkflowBuilder("crashy", "steps that journal what they do")
            .Parameter(new ParameterDefinition("n", ParameterType.Int));
        var prepare = workflow.Step("prepare", Work()).Compensate(_ => Task.CompletedTask);
        var left = workflow.Step("left", Work()).After(prepare);
        var right = workflow.Step("right", Work()).After(prepare);
        var flaky = workflow.Step("flaky", Work(failFirstAttempt: true)).After(left, right).Retry(3, TimeSpan.FromMilliseconds(200));
        var deploy = workflow.Step("deploy", Work()).After(flaky).Compensate(_ => Task.CompletedTask);
        var verify = workflow.Step("verify", Work()).After(deploy);
        workflow.Step("finish", Work()).After(verify);
        return workflow.Build();
    }
}

/// <summary>Internal: the test project also sees the web host's public Program, and the two must not clash.</summary>
internal sealed partial class Program;
