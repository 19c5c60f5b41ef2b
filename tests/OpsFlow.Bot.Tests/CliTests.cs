using OpsFlow.Bot.Cli;

namespace OpsFlow.Bot.Tests;

/// <summary>The opsflow command line in-process, on one temp database and workflows folder (scripts compile once).</summary>
public sealed class CliTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task Validate_GoodScripts_ListsEachWorkflowWithItsVersionAndExitsZero()
    {
        var (exit, output) = await folder.RunAsync("validate");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Matches(@"OK\s+greet .*greet\.csx version [0-9a-f]{12}", output);
        Assert.Matches(@"OK\s+fails .*fails\.csx version [0-9a-f]{12}", output);
        Assert.Contains("3 script(s) OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GoodParameters_ShowsEachStepAndEndsSucceeded()
    {
        var (exit, output) = await folder.RunAsync("run", "greet", "ada lovelace", "loud=yes");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains("hello ▶ Running 50% warming up", output, StringComparison.Ordinal);
        Assert.Contains("hello ✓ Succeeded", output, StringComparison.Ordinal);
        Assert.Contains("shout ✓ Succeeded", output, StringComparison.Ordinal);
        Assert.Contains("celebrate ✓ Succeeded", output, StringComparison.Ordinal);
        var id = CliFolder.RunId(output);
        Assert.Contains($"run {id} ✓ Succeeded in", output, StringComparison.Ordinal);
        Assert.Contains($"opsflow show {id}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadParameter_NamesTheParameterShowsUsageAndExitsTwo()
    {
        var (exit, output) = await folder.RunAsync("run", "greet", "Ada!", "loud=perhaps");

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("parameter 'name': must match ^[a-z ]+$, got 'Ada!' (example: name=ada)", output, StringComparison.Ordinal);
        Assert.Contains("parameter 'loud': must be true or false, got 'perhaps'", output, StringComparison.Ordinal);
        Assert.Contains("usage: opsflow run greet <name> [loud=false]", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^run [0-9a-z]{10} of ", output);
    }

    [Fact]
    public async Task Run_FailingStep_ReportsTheErrorWhereTheLogIsAndExitsOne()
    {
        var (exit, output) = await folder.RunAsync("run", "fails");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        var id = CliFolder.RunId(output);
        Assert.Contains("boom ✗ Failed", output, StringComparison.Ordinal);
        Assert.Contains("error: step 'boom' failed: disk on fire", output, StringComparison.Ordinal);
        Assert.Contains($"opsflow show {id} --log boom", output, StringComparison.Ordinal);

        var (logExit, log) = await folder.RunAsync("show", id, "--log", "boom");
        Assert.True(logExit == 0, $"exit {logExit}:\n{log}");
        Assert.Contains("#1 disk on fire", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AsUserWithoutTheOperatorRole_IsRefusedAndExitsOne()
    {
        var (exit, output) = await folder.RunAsync("run", "greet", "ada", "--as", "victor");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        Assert.Contains("refused: Starting a run needs the operator role", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithParametersTheScriptsStartRuleKeepsForAdmins_IsRefusedAndExitsOne()
    {
        var (exit, output) = await folder.RunAsync("run", "greet", "root", "--as", "olivia");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        Assert.Contains("refused: Starting greet with name=root is for role:admin only (rule at greet.csx:7)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ApprovalThenCtrlC_SaysWhoMayApproveAndLeavesTheRunWaitingForTheWebHost()
    {
        var (exit, output) = await folder.RunUntilAsync("waits for approval", "run", "gated");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        var id = CliFolder.RunId(output);
        Assert.Contains("step 'nod' waits for approval: 1 approval(s) from role:ops-manager, not the requester local-operator (four-eyes)", output, StringComparison.Ordinal);
        Assert.Contains("Nod, please", output, StringComparison.Ordinal);
        Assert.Contains($"Stopped watching run {id} (WaitingForApproval). The run was not cancelled.", output, StringComparison.Ordinal);
        Assert.Contains("the web host resumes it at its next start", output, StringComparison.Ordinal);

        var (_, show) = await folder.RunAsync("show", id);
        Assert.Matches(@"status\s+⏳ WaitingForApproval", show);
    }

    [Fact]
    public async Task Plan_LoudFalse_ShowsASkippedBranchAndAStepDecidedAtRunTime()
    {
        var (exit, output) = await folder.RunAsync("plan", "greet", "name=ada");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Matches(@"│ 1 │ 1\s+│ hello\s+│ Action │ runs\s+│.*greet\.csx:4", output);
        Assert.Matches(@"│ 2 │ 2\s+│ shout\s+│ Action │ skipped\s+│ its condition is false for these parameters.*greet\.csx:5", output);
        Assert.Matches(@"│ 3 │ 2\s+│ celebrate\s+│ Action │ decided at run time\s+│ its condition reads outputs of earlier steps", output);
        Assert.Contains("1 step(s) run, 1 skipped, 1 decided at run time. Nothing was executed.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsAndShow_AfterARun_ListItAndShowStepsAndHistory()
    {
        var (_, started) = await folder.RunAsync("run", "greet", "grace");
        var id = CliFolder.RunId(started);

        var (listExit, list) = await folder.RunAsync("runs", "--workflow", "greet", "--status", "succeeded", "--limit", "50");
        Assert.True(listExit == 0, $"exit {listExit}:\n{list}");
        Assert.Matches($@"│ {id} │ greet\s+│ ✓ Succeeded │ local-operator", list);

        var (showExit, show) = await folder.RunAsync("show", id);
        Assert.True(showExit == 0, $"exit {showExit}:\n{show}");
        Assert.Contains("name=grace loud=false", show, StringComparison.Ordinal);
        Assert.Matches(@"│ shout\s+│ ↷ Skipped", show);
        Assert.Contains("requested by local-operator via cli with name=grace loud=false", show, StringComparison.Ordinal);
        Assert.Contains("run: Running → Succeeded", show, StringComparison.Ordinal);
        Assert.Contains("step hello: Running → Succeeded", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_UnknownStatus_ExitsTwoNamingTheStatuses()
    {
        var (exit, output) = await folder.RunAsync("runs", "--status", "done");

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("--status must be one of Pending, Running", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_LimitOutOfRange_ExitsTwoWithTheRuleAndTheVerbsHelp()
    {
        var (exit, output) = await folder.RunAsync("runs", "--limit", "0");

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("--limit must be a whole number from 1 to 500, got '0'", output, StringComparison.Ordinal);
        Assert.Contains("opsflow runs [options]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOption_ExitsTwoSayingHowParametersAreWrittenAndStartsNothing()
    {
        var (exit, output) = await folder.RunAsync("run", "greet", "--loud");

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("unknown option --loud: parameters are written name=value", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^run [0-9a-z]{10} of ", output);
    }

    [Fact]
    public async Task Show_WithoutARun_ExitsTwoNamingTheMissingArgument()
    {
        var (exit, output) = await folder.RunAsync("show");

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("Required argument 'run' missing", output, StringComparison.Ordinal);
        Assert.Contains("opsflow show <run> [options]", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    public async Task Help_ListsEveryVerbAndTheExitCodes_ExitsZero(string flag)
    {
        var (exit, output) = await folder.RunAsync(flag);

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        foreach (var verb in new[] { "validate", "new", "editor", "run", "plan", "runs", "show", "package" })
        {
            Assert.Matches($@"(?m)^\s+{verb}\b", output);
        }

        Assert.Contains("Exit codes: 0 success, 1 failure", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpOfAVerb_ShowsItsArgumentsAndDefaults_ExitsZero()
    {
        var (exit, output) = await folder.RunAsync("help", "runs");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains("--limit <n>", output, StringComparison.Ordinal);
        Assert.Contains("[default: 20]", output, StringComparison.Ordinal);
        Assert.Contains("--status <status>", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "validate" }, true)]
    [InlineData(new[] { "new", "disk-cleanup" }, true)]
    [InlineData(new[] { "editor" }, true)]
    [InlineData(new[] { "run", "greet" }, true)]
    [InlineData(new[] { "help" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "deploy", "web-app" }, false)]
    [InlineData(new[] { "--urls", "http://localhost:5000" }, false)]
    [InlineData(new string[0], false)]
    public void Handles_OnlyTheVerbsSwitchToTheCommandLine(string[] args, bool expected) =>
        Assert.True(OpsFlowCommandLine.Handles(args) == expected, $"Handles({string.Join(' ', args)}) should be {expected}");
}

/// <summary>A broken script needs a folder of its own: it would make validate fail for the other tests.</summary>
public sealed class CliValidateBrokenTests : IDisposable
{
    private readonly CliFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Validate_BrokenScript_PrintsFileLineColumnAndExitsOne()
    {
        _folder.Write("broken.csx", """
            Workflow("broken");
            Step("x", ctx => ctx.NoSuchHelper());
            """);

        var (exit, output) = await _folder.RunAsync("validate");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        Assert.Matches(@"broken\.csx:2:\d+: error CS1061: 'StepContext' does not contain a definition for 'NoSuchHelper'", output);
        Assert.Matches(@"OK\s+greet ", output);
        Assert.Contains("1 of 4 script(s) have problems", output, StringComparison.Ordinal);
    }
}
