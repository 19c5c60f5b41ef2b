using System.Diagnostics;
using OpsFlow.Scripting;
using OpsFlow.Scripting.Api;
using OpsFlow.Scripting.Api.Testing;

namespace OpsFlow.Bot.Cli.Testing;

/// <summary>How one test ended: passed, or failed with a message at a file and line.</summary>
internal sealed record TestOutcome(string File, string Name, TimeSpan Took, ScriptProblem? Failure)
{
    public bool Passed => Failure is null;
}

/// <summary>
/// Runs the tests one file declares, each on a fresh <see cref="ScriptTestHost"/> in a folder of its own that is
/// deleted afterwards. Tests run one after another: each drives a whole OpsFlow, and their order is their file's.
/// </summary>
internal sealed class ScriptTestRunner(string workflowsFolder, string cacheFolder, TimeProvider clock)
{
    /// <summary>Every test's clock starts here (a Monday): a script that reads the date sees the same one on every machine.</summary>
    public static readonly DateTimeOffset StartsAt = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The real time one test may take, setup and every wait included.</summary>
    public static readonly TimeSpan TestLimit = TimeSpan.FromMinutes(2);

    public async Task<TestOutcome> RunAsync(string file, DeclaredTest test, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "opsflow-test-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TestLimit);
        ScriptTestHost? host = null;
        var t = new WorkflowTest(test.Name, data, async (world, token) => host = await ScriptTestHost.StartAsync(world, workflowsFolder, cacheFolder, StartsAt, token), limit.Token);
        var started = clock.GetTimestamp();
        ScriptProblem? failure = null;
        try
        {
            await test.Body(t).WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            failure = new ScriptProblem(file, test.Line, 0, $"did not end within {TestLimit.TotalMinutes:0} minutes");
        }
        catch (Exception ex)
        {
            var message = ex is TestFailedException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            failure = WorkflowTestFiles.Locate(ex, workflowsFolder, file, message) is { Line: > 0 } located ? located : new ScriptProblem(file, test.Line, 0, message);
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            DeleteQuietly(folder);
        }

        return new TestOutcome(file, test.Name, clock.GetElapsedTime(started), failure);
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException ex)
        {
            // A file a step left open; the temporary folder is the system's to clean then.
            Trace.TraceWarning($"could not delete {folder}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Trace.TraceWarning($"could not delete {folder}: {ex.Message}");
        }
    }
}
