// The timer restart tests' engine process. Usage:
//   OpsFlow.TimerHost <retry|approval|schedule> <database file> <journal file>
// A generic host wired like the bot: SQLite store, the engine, Quartz owning its timers and schedules. At start it
// migrates, syncs declared schedules and recovers active runs (before Quartz starts, as the bot does); once
// started it begins the scenario's run if the database has none. It runs until killed. Step bodies append
// "<event> <run> <step> <attempt> <utc ticks>" lines to the journal, which the test compares with the database.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using OpsFlow.Scheduling;
using Quartz;

namespace OpsFlow.TimerHost;

// An explicit Main, not top-level statements: with the ASP.NET Core framework referenced, the SDK would make a
// public Program that clashes with the bot's in the test project, which references both.
internal static class TimerHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 3 || !TimerWorkflows.Scenarios.Contains(args[0]))
        {
            Console.Error.WriteLine($"usage: OpsFlow.TimerHost <{string.Join('|', TimerWorkflows.Scenarios)}> <database file> <journal file>");
            return 2;
        }

        var (scenario, connectionString) = (args[0], $"Data Source={args[1]}");
        var journal = new JournalFile(args[2], TimeProvider.System);
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddFilter("Quartz", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning);
        builder.Services
            .AddSingleton(TimeProvider.System)
            .AddSingleton(journal)
            .AddOpsFlowSqlite(connectionString)
            .AddSingleton<IWorkflowCatalog>(TimerWorkflows.Catalog(scenario, journal))
            .AddOpsFlowEngine()
            // Registered before Quartz's hosted service: its StartingAsync (migrate, sync, recover) completes before any
            // hosted service's StartAsync, so Quartz never fires a timer for a run the engine has not loaded yet.
            .AddHostedService(sp => new ScenarioHostedService(scenario, sp))
            .AddOpsFlowScheduling(retention => retention.StepLogDays = 0);
        // The test compresses minutes into seconds: a cron every 5 s and a few seconds of downtime. Quartz treats a
        // firing as missed (misfire: fire once) only when it is more than this late; the default 60 s would replay
        // every 5-s slot of a short outage instead, which with minute-or-longer schedules cannot happen in production.
        builder.Services.Configure<QuartzOptions>(options => options.Properties["quartz.jobStore.misfireThreshold"] = "1000");

        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }
}
