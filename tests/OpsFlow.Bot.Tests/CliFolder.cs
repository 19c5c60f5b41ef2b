using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using OpsFlow.Bot.Cli;
using Spectre.Console.Testing;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// A temporary database, workflows folder, compile cache and log folder for the command line, run in-process
/// with a test console. Roles are set here, not read from the developer's appsettings.json.
/// </summary>
public sealed partial class CliFolder : IDisposable, IAsyncLifetime
{
    public const string Greet = """
        Workflow("greet", "Greets someone");
        var name = Param<string>("name", "who to greet", pattern: "^[a-z ]+$", example: "ada");
        var loud = Param<bool>("loud", defaultValue: false);
        var hello = Step("hello", async ctx => { ctx.Progress(50, "warming up"); await Task.Yield(); ctx.Log($"hello {name}"); ctx.SetOutput("mood", "good"); });
        Step("shout", ctx => ctx.Log("HELLO")).After(hello).When(() => loud);
        Step("celebrate", ctx => ctx.Log("yay")).After(hello).When(c => c.Output("hello", "mood") == "good");
        StartableBy("role:admin", when: "name=root");
        """;

    public const string Fails = """
        Workflow("fails", "Always fails");
        Step("boom", ctx => { ctx.LogError("disk on fire"); throw new InvalidOperationException("disk on fire"); });
        """;

    public const string Gated = """
        Workflow("gated", "Needs a nod");
        var prep = Step("prep", ctx => ctx.Log("ready"));
        Approval("nod").After(prep).Approvers("role:ops-manager").Message("Nod, please");
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "opsflow-cli-tests", Guid.NewGuid().ToString("n"));

    public CliFolder()
    {
        Directory.CreateDirectory(WorkflowsPath);
        Write("greet.csx", Greet);
        Write("fails.csx", Fails);
        Write("gated.csx", Gated);
    }

    public string WorkflowsPath => Path.Combine(_root, "workflows");

    /// <summary>
    /// Compiles the scripts into the folder's cache before any test: a cold Roslyn compile of three scripts takes
    /// seconds, tens of seconds on a loaded 2-core machine, and must not count against the first test's hang guard.
    /// </summary>
    public async Task InitializeAsync()
    {
        var (exit, output) = await RunAsync(TimeSpan.MaxValue, null, "validate");
        Assert.True(exit == 0, $"the test scripts must compile:\n{output}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The archive folder (the history tiers) of every verb run here.</summary>
    public string ArchiveFolder => Path.Combine(_root, "archive");

    /// <summary>The SQLite file every verb run here opens.</summary>
    public string DatabasePath => Path.Combine(_root, "opsflow.db");

    public CliFolder Write(string file, string text)
    {
        File.WriteAllText(Path.Combine(WorkflowsPath, file), text);
        return this;
    }

    /// <summary>Runs `opsflow args…` against this folder; the output is what a non-interactive console shows.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunUntilAsync(null, args);

    /// <summary>A verb that hangs fails its test after this long instead of hanging the suite (the scripts are compiled already).</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>As <see cref="RunAsync(string[])"/>, pressing Ctrl+C once the output shows <paramref name="interruptWhen"/>.</summary>
    public Task<(int ExitCode, string Output)> RunUntilAsync(string? interruptWhen, params string[] args) => RunAsync(HangGuard, interruptWhen, args);

    /// <summary>As <see cref="RunUntilAsync"/> with a guard of the caller's: for a verb that compiles scripts this folder's cache does not hold.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(TimeSpan guard, string? interruptWhen, params string[] args)
    {
        var console = new TestConsole().Width(250);
        string[] configuration =
        [
            $"--ConnectionStrings:OpsFlow=Data Source={DatabasePath}",
            $"--OpsFlow:WorkflowsPath={WorkflowsPath}",
            $"--OpsFlow:Scripts:CachePath={Path.Combine(_root, "script-cache")}",
            $"--OpsFlow:Scripts:DataPath={Path.Combine(_root, "workflow-data")}",
            $"--OpsFlow:Cli:LogsPath={Path.Combine(_root, "logs")}",
            $"--OpsFlow:Retention:ArchiveFolder={ArchiveFolder}",
            "--OpsFlow:Access:DefaultRole=viewer",
            "--OpsFlow:Access:Roles:operator:0=local-operator",
            "--OpsFlow:Access:Roles:operator:1=olivia",
        ];
        using var timeout = guard == TimeSpan.MaxValue ? new CancellationTokenSource() : new CancellationTokenSource(guard);
        var running = OpsFlowCommandLine.RunAsync([.. args, .. configuration], console, interactive: false, timeout.Token);
        while (interruptWhen is not null && !running.IsCompleted)
        {
            if (console.Output.Contains(interruptWhen, StringComparison.Ordinal))
            {
                await timeout.CancelAsync();
                break;
            }

            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, CancellationToken.None));
        }

        var exitCode = await running;
        return (exitCode, console.Output);
    }

    /// <summary>The id of the run a `run` verb started, from its first line.</summary>
    public static string RunId(string output)
    {
        var match = RunLine().Match(output);
        Assert.True(match.Success, $"the output names no run:\n{output}");
        return match.Groups[1].Value;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }

    [GeneratedRegex(@"^run ([0-9a-z]{10}) of ", RegexOptions.Multiline)]
    private static partial Regex RunLine();
}
