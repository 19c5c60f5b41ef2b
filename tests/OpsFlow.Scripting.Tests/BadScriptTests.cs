namespace OpsFlow.Scripting.Tests;

/// <summary>Every kind of broken script gives a precise message with file and line (and column for compile errors).</summary>
public sealed class BadScriptTests : IDisposable
{
    private readonly ScriptFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task SyntaxError_ReportsFileLineColumnAndCompilerMessage()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            Step("a", ctx => ctx.Log("x");
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Equal(("broken.csx", 2), (problem.File, problem.Line));
        Assert.True(problem.Column > 0, "a compile error must give the column");
        Assert.Contains("CS1026", problem.Message, StringComparison.Ordinal);
        Assert.StartsWith("broken.csx:2:", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeError_ReportsTheLineOfTheBadAssignment()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            var count = Param<int>("count");
            string text = count;
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("CS0029", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycle_NamesTheStepsAndTheLineThatDeclaredThem()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            Step("a", ctx => { }).After("b");
            Step("b", ctx => { }).After("a");
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Contains("cycle", problem.Message, StringComparison.Ordinal);
        Assert.Contains("a → b → a", problem.Message, StringComparison.Ordinal);
        Assert.Equal("broken.csx", problem.File);
        Assert.InRange(problem.Line, 2, 3);
    }

    [Fact]
    public async Task UnknownDependency_NamesTheMissingStepAndTheDeclaringLine()
    {
        var status = await LoadAsync("""
            Workflow("broken");

            Step("deploy", ctx => { }).After("biuld");
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Equal(("broken.csx", 3), (problem.File, problem.Line));
        Assert.Contains("unknown step 'biuld'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateStep_NamesBothDeclarations()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            Step("build", ctx => { });
            Step("build", ctx => { });
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("declared twice (first (declared at broken.csx:2))", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadParameterDeclarations_EachReportedOnItsOwnLine()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            var app = Param<string>("app");
            var ratio = Param<double>("ratio");
            var size = Param<int>("size", oneOf: ["1", "2"]);
            var name = Param<string>("name", pattern: "([a-z");
            var env = Param<string>("env", oneOf: ["dev", "prod"], defaultValue: "qa");
            var again = Param<string>("app");
            var count = Param<int>("count", defaultValue: "three");
            var Bad = Param<string>("Bad Name");
            """);

        Assert.Equal([3, 4, 5, 6, 7, 8, 9], status.Problems.Select(p => p.Line));
        Assert.All(status.Problems, p => Assert.Equal("broken.csx", p.File));
        var messages = status.Problems.Select(p => p.Message).ToArray();
        Assert.Contains("type Double is not supported", messages[0], StringComparison.Ordinal);
        Assert.Contains("oneOf needs Param<string>", messages[1], StringComparison.Ordinal);
        Assert.Contains("not a valid regular expression", messages[2], StringComparison.Ordinal);
        Assert.Contains("must be one of dev, prod, got 'qa'", messages[3], StringComparison.Ordinal);
        Assert.Contains("declared twice", messages[4], StringComparison.Ordinal);
        Assert.Contains("is a String, but the parameter is Param<Int32>", messages[5], StringComparison.Ordinal);
        Assert.Contains("lower-case", messages[6], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExceptionWhileDeclaring_ReportsTheScriptLineThatThrew()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            Step("build", ctx => { })
                .RetryOn<TimeoutException>();
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Equal("broken.csx", problem.File);
        Assert.InRange(problem.Line, 2, 3);
        Assert.Contains("InvalidOperationException while declaring the workflow: Step 'build': call Retry(max, delay) before RetryOn", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApprovalSettingOnAnActionStep_DoesNotCompile_AndNamesItsLine()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            Step("build", ctx => { })
                .Approvers("role:ops-manager");
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Equal(("broken.csx", 3), (problem.File, problem.Line));
        Assert.Contains("'StepBuilder' does not contain a definition for 'Approvers'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleWithBadArguments_ReportsTheScheduleLine()
    {
        var status = await LoadAsync("""
            Workflow("broken");
            var keep = Param<int>("keep", defaultValue: 7);
            Schedule("0 2 * * *", args: ["keep=many", "extra=1"]);
            Step("a", ctx => { });
            """);

        Assert.All(status.Problems, p => Assert.Equal(("broken.csx", 3), (p.File, p.Line)));
        Assert.Contains(status.Problems, p => p.Message.Contains("extra", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingLoadedFile_ReportsTheLoadDirective()
    {
        var status = await LoadAsync("""
            #load "lib/missing.csx"
            Workflow("broken");
            """);

        var problem = Assert.Single(status.Problems);
        Assert.Equal(("broken.csx", 1), (problem.File, problem.Line));
        Assert.Contains("no file lib/missing.csx", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssemblyReference_IsRefusedBecauseItIsNotPartOfTheSnapshot()
    {
        var status = await LoadAsync("""
            #r "System.Data.dll"
            Workflow("broken");
            """);

        Assert.Contains(status.Problems, p => p.Line == 1 && p.Message.Contains("error CS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoFilesDeclaringOneName_SecondIsRefusedAndFirstStaysInService()
    {
        _folder.Write("a.csx", """Workflow("same"); Step("a", ctx => { });""");
        _folder.Write("b.csx", """Workflow("same"); Step("b", ctx => { });""");

        var statuses = await _folder.Catalog.ReloadAsync();

        Assert.True(statuses.Single(s => s.File == "a.csx").Ok);
        var refused = statuses.Single(s => s.File == "b.csx");
        Assert.Contains("declared by a.csx already", Assert.Single(refused.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(["a"], (await _folder.Catalog.MaterializeAsync("same", null, Engine.Definitions.ParameterValues.Empty)).Steps.Select(s => s.Name));
    }

    [Fact]
    public async Task BadScript_DoesNotStopTheOtherWorkflowsFromLoading()
    {
        _folder.Write("good.csx", """Workflow("good"); Step("a", ctx => { });""");

        var status = await LoadAsync("this is not C#");

        Assert.False(status.Ok);
        Assert.Equal(["good"], _folder.Catalog.List().Select(d => d.Name));
    }

    private async Task<ScriptFileStatus> LoadAsync(string script)
    {
        _folder.Write("broken.csx", script);
        var status = await _folder.LoadAsync("broken.csx");
        Assert.False(status.Ok, "the script is broken and must be reported");
        return status;
    }
}
