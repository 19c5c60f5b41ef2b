using OpsFlow.Scripting;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// `opsflow new` and `opsflow editor` write into the workflows folder, so each test has a folder of its own; the
/// folder's sample scripts are removed, leaving validate only the scaffold to compile.
/// </summary>
public sealed class CliNewTests : IDisposable
{
    private readonly CliFolder _folder = new();

    public CliNewTests()
    {
        foreach (var sample in Directory.EnumerateFiles(_folder.WorkflowsPath, "*.csx"))
        {
            File.Delete(sample);
        }
    }

    public void Dispose() => _folder.Dispose();

    private string Script => Path.Combine(_folder.WorkflowsPath, "disk-cleanup.csx");

    [Fact]
    public async Task New_WritesAScaffoldThatValidatesAndPlans_AndASecondNewIsRefusedLeavingTheFile()
    {
        var (exit, output) = await _folder.RunAsync("new", "disk-cleanup");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        var scaffold = File.ReadAllText(Script);
        Assert.StartsWith(EditorGlobals.LoadDirective + "\n", scaffold, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder.WorkflowsPath, ".opsflow", "globals.csx")), "new must write the editor globals");
        Assert.Contains("disk-cleanup.csx", output, StringComparison.Ordinal);
        Assert.Contains("opsflow validate", output, StringComparison.Ordinal);
        Assert.Contains("opsflow plan disk-cleanup target=example", output, StringComparison.Ordinal);
        Assert.Contains("opsflow run disk-cleanup target=example", output, StringComparison.Ordinal);

        var (validateExit, validated) = await _folder.RunAsync("validate");
        Assert.True(validateExit == 0, $"exit {validateExit}:\n{validated}");
        Assert.Matches(@"OK\s+disk-cleanup ", validated);
        Assert.Contains("1 script(s) OK", validated, StringComparison.Ordinal);

        var (planExit, plan) = await _folder.RunAsync("plan", "disk-cleanup", "target=example");
        Assert.True(planExit == 0, $"exit {planExit}:\n{plan}");
        Assert.Matches(@"│ 1 │ 1\s+│ prepare\s+│", plan);
        Assert.Matches(@"│ 2 │ 2\s+│ apply\s+│", plan);

        File.AppendAllText(Script, "// my edits\n");
        var edited = File.ReadAllText(Script);
        var (againExit, again) = await _folder.RunAsync("new", "disk-cleanup");

        Assert.True(againExit == 2, $"exit {againExit}:\n{again}");
        Assert.Contains("exists already; nothing was written", again, StringComparison.Ordinal);
        Assert.Equal(edited, File.ReadAllText(Script));
    }

    [Theory]
    [InlineData("Disk_Cleanup")]
    [InlineData("9lives")]
    [InlineData("../escape")]
    public async Task New_BadName_ExitsTwoWithTheRuleAndWritesNothing(string name)
    {
        var (exit, output) = await _folder.RunAsync("new", name);

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("lower-case letters, digits and '-'", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.WorkflowsPath));
    }

    [Fact]
    public async Task Editor_WritesTheGlobalsTheirReadmeAndAnOmniSharpConfig()
    {
        var (exit, output) = await _folder.RunAsync("editor");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        var globals = File.ReadAllText(Path.Combine(_folder.WorkflowsPath, ".opsflow", "globals.csx"));
        Assert.Contains("StepBuilder Step(string name,", globals, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder.WorkflowsPath, ".opsflow", "README.md")), output);
        Assert.Contains("\"defaultTargetFramework\": \"net", File.ReadAllText(Path.Combine(_folder.WorkflowsPath, "omnisharp.json")), StringComparison.Ordinal);
        Assert.Contains(EditorGlobals.LoadDirective, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editor_FolderThatDoesNotExist_ExitsTwoSayingHowToNameIt()
    {
        var (exit, output) = await _folder.RunAsync("editor", "--workflows", Path.Combine(_folder.WorkflowsPath, "nowhere"));

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("no workflows folder at", output, StringComparison.Ordinal);
        Assert.Contains("--workflows <folder>", output, StringComparison.Ordinal);
    }
}
