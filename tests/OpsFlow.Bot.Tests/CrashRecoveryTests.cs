using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using Xunit.Abstractions;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// Kills a real engine process with SIGKILL in the middle of runs, several times, restarts it each time, and
/// checks from the database and the steps' own journal that every run finished and no completed step ran again.
/// </summary>
[Collection(ProcessKillCollection.Name)]
[Trait(Categories.Name, Categories.Slow)]
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Runs = 40;
    private const int Kills = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-crash-").FullName;

    [Fact]
    public async Task SigkillMidRun_Repeatedly_EveryRunFinishes_AndNoCompletedStepRunsTwice()
    {
        var database = Path.Combine(_folder, "opsflow.db");
        var journal = Path.Combine(_folder, "journal.txt");
        var random = new Random(20261126);
        var kills = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            using var host = Start(database, journal);
            // Kill only once steps are running: wait for journal growth, then a random moment. A process that finishes
            // every remaining run first (fewer than five steps were left after the earlier kills) exits instead: run 8 of
            // the suite waited 30 s for journal lines that no step was left to write.
            var linesBefore = Lines(journal).Length;
            await Wait.UntilAsync(() => Lines(journal).Length > linesBefore + 5 || host.HasExited, $"steps to run before kill {kill + 1}", within: TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 500)), TimeProvider.System);
            if (host.HasExited)
            {
                break; // everything finished before we could kill it again
            }

            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            kills++;
            output.WriteLine($"kill {kill + 1}: SIGKILL after {Lines(journal).Length} journal lines");
        }

        using (var last = Start(database, journal))
        {
            await last.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90), TimeProvider.System);
            Assert.Equal(0, last.ExitCode);
        }

        Assert.True(kills >= 3, $"only {kills} kill(s) landed mid-run; the test proves little with fewer than 3");
        await AssertEveryRunFinishedOnceAsync(database, Lines(journal));
    }

    private async Task AssertEveryRunFinishedOnceAsync(string database, string[] journal)
    {
        await using var services = new ServiceCollection()
            .AddOpsFlowSqlite($"Data Source={database}")
            .BuildServiceProvider();
        var store = services.GetRequiredService<IRunStore>();
        var runs = await store.ListRunsAsync(new RunQuery { Take = 500 });
        Assert.Equal(Runs, runs.Total);

        var starts = journal.Where(l => l.StartsWith("start ", StringComparison.Ordinal)).ToArray();
        var duplicates = starts.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.True(duplicates.Length == 0, $"an attempt ran twice: {string.Join("; ", duplicates)}");
        var reruns = 0;
        foreach (var run in runs.Runs)
        {
            Assert.True(run.Status == RunStatus.Succeeded, $"run {run.Id} ended {run.Status}: {run.Error}");
            foreach (var step in await store.GetStepsAsync(run.Id))
            {
                Assert.Equal(StepStatus.Succeeded, step.Status);
                Assert.Contains($"end {run.Id} {step.Name} {step.Attempt}", journal);
                var later = starts.Where(l => l.StartsWith($"start {run.Id} {step.Name} ", StringComparison.Ordinal))
                    .Select(l => int.Parse(l.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture))
                    .Where(attempt => attempt > step.Attempt)
                    .ToArray();
                Assert.True(later.Length == 0, $"step {step.Name} of run {run.Id} completed as attempt {step.Attempt} but ran again as {string.Join(", ", later)}");
                reruns += step.Attempt - 1;
            }
        }

        output.WriteLine($"{Runs} runs succeeded; {starts.Length} step attempts started; {reruns} re-runs after failures or kills");
    }

    private Process Start(string database, string journal)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "OpsFlow.CrashHost.dll");
        var info = new ProcessStartInfo("dotnet", [host, database, journal, Runs.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.WriteLine($"host: {e.Data}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.WriteLine($"host error: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
