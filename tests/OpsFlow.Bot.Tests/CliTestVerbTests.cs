using OpsFlow.Testing;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// `opsflow test`: authors' tests of their workflows, run on an OpsFlow of their own with a fake clock and fakes for
/// programs, URLs and nodes. Each test here writes a test file into a folder of its own and runs the verb as a
/// person would; the output is what they read.
/// </summary>
public sealed class CliTestVerbTests : IDisposable, IAsyncLifetime
{
    private const string Retrying = """
        Workflow("retrying", "Calls a flaky tool until it works");
        Step("call", async ctx => await ctx.Run("flaky-tool", ["--now"])).Retry(2, TimeSpan.FromMinutes(5));
        """;

    private readonly CliFolder _folder = new();

    public CliTestVerbTests()
    {
        _folder.Write("retrying.csx", Retrying);
        Directory.CreateDirectory(Path.Combine(_folder.WorkflowsPath, "tests"));
    }

    public Task InitializeAsync() => _folder.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();

    private void WriteTest(string file, string text) => _folder.Write(Path.Combine("tests", file), text);

    [Fact]
    public async Task Test_APassingAndAFailingTest_EachReported_TheFailureAtItsFileAndLine_ExitOne()
    {
        WriteTest("greet.tests.csx", """
            Test("greets ada", async t =>
            {
                var run = await t.Start("greet", "name=ada");
                run.ExpectStatus("Succeeded");
                t.Equal("good", run.Output("hello", "mood"), "the mood");
            });

            Test("expects the wrong ending", async t =>
            {
                var run = await t.Start("greet", "name=ada");
                run.ExpectStatus("Failed");
            });
            """);

        var (exit, output) = await _folder.RunAsync("test");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        Assert.Matches(@"ok\s+greets ada", output);
        Assert.Matches(@"FAIL expects the wrong ending", output);
        Assert.Contains("tests/greet.tests.csx:11:", output, StringComparison.Ordinal);
        Assert.Contains("expected Failed, got Succeeded", output, StringComparison.Ordinal);
        Assert.Contains("1 passed, 1 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_ApprovalRules_HoldAsOnTheServer_TheRequesterIsRefused_AnApproverIsNot()
    {
        WriteTest("gated.tests.csx", """
            Test("the requester may not nod, an ops manager may", async t =>
            {
                var run = await t.Start("gated", by: "dana");
                run.ExpectStatus("WaitingForApproval");

                t.Expect(await run.Decide("nod", approve: true, by: "dana", role: "ops-manager") is not null, "four-eyes let the requester approve");
                t.Expect(await run.Decide("nod", approve: true, by: "olaf") is not null, "someone without the role approved");

                await run.Approve("nod", by: "erik", role: "ops-manager");
                run.ExpectStatus("Succeeded");
            });
            """);

        var (exit, output) = await _folder.RunAsync("test", "gated");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains("1 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_TheClockMovesOnlyWithAdvance_ARetryWaitsForIt_AndFakedProgramsAnswerInTurn()
    {
        WriteTest("retrying.tests.csx", """
            Test("the second try works after the pause", async t =>
            {
                var calls = 0;
                t.Machine.OnRun("flaky-tool").Does(_ => ++calls == 1 ? 1 : 0);

                var run = await t.Start("retrying");
                run.ExpectStep("call", "Waiting");
                t.Equal(1, calls, "tries before the pause");

                await t.Advance(TimeSpan.FromMinutes(4));
                t.Equal(1, calls, "tries before the pause is over");

                await t.Advance(TimeSpan.FromMinutes(1));
                run.ExpectStatus("Succeeded");
                t.Equal(2, run.Step("call").Attempt, "attempts");
            });

            Test("a program the test did not declare fails the step and says what to declare", async t =>
            {
                var run = await t.Start("retrying");
                await t.Advance(TimeSpan.FromHours(1));
                run.ExpectStatus("Failed");
                var log = string.Join("\n", await run.Log("call"));
                t.Expect(log.Contains("nothing fakes `flaky-tool --now`") && log.Contains("t.Machine.OnRun(\"flaky-tool\")"), log);
            });
            """);

        var (exit, output) = await _folder.RunAsync("test", "retrying");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains("2 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_AFileThatDoesNotCompile_ReportsItsFileAndLine_ExitOne()
    {
        WriteTest("broken.tests.csx", """
            Test("never runs", async t =>
            {
                await t.Strat("greet", "name=ada");
            });
            """);

        var (exit, output) = await _folder.RunAsync("test");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        Assert.Contains("tests/broken.tests.csx:3:", output, StringComparison.Ordinal);
        Assert.Contains("Strat", output, StringComparison.Ordinal);
        Assert.Contains("1 file(s) did not load", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_NoTests_SaysWhereTheyGoAndHowToStart_ExitZero_ButTwoForANameWithNone()
    {
        var (exit, output) = await _folder.RunAsync("test");
        var (namedExit, named) = await _folder.RunAsync("test", "greet");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains("no tests in", output, StringComparison.Ordinal);
        Assert.Contains("opsflow new <name>", output, StringComparison.Ordinal);
        Assert.True(namedExit == 2, $"exit {namedExit}:\n{named}");
        Assert.Contains("no tests for 'greet'", named, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_TheShippedWorkflowsTests_AllPass()
    {
        var workflows = Path.Combine(RepositoryRoot.Folder, "workflows");
        var shipped = Directory.GetFiles(Path.Combine(workflows, "tests"), "*.tests.csx");
        Assert.True(shipped.Length >= 2, "deploy and fleet-deploy ship with tests");

        // The shipped scripts are compiled cold here (tens of seconds on a busy 2-core machine): a guard of its own.
        var (exit, output) = await _folder.RunAsync(TimeSpan.FromMinutes(5), null, "test", "--workflows", workflows);

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains(" 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("deploy.tests.csx", output, StringComparison.Ordinal);
        Assert.Contains("fleet-deploy.tests.csx", output, StringComparison.Ordinal);
    }
}
