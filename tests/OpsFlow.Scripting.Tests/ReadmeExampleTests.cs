using System.Text.RegularExpressions;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Tests;

/// <summary>The example in README.md is code people copy first: it must compile and mean what it says.</summary>
public sealed partial class ReadmeExampleTests : IDisposable
{
    private readonly ScriptFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The repository's root (where OpsFlow.Bot.sln is), for tests that read its files.</summary>
    public static string RepositoryRoot() => OpsFlow.Testing.RepositoryRoot.Folder;

    [Fact]
    public async Task ReadmeGreetExample_Compiles_AndGatesShoutingInProd()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        var example = GreetBlock().Match(readme);
        Assert.True(example.Success, "README.md must keep its workflows/greet.csx example");
        _folder.Write("greet.csx", example.Groups["code"].Value);

        var status = await _folder.LoadAsync("greet.csx");
        Assert.True(status.Ok, string.Join("; ", status.Problems));
        var values = new ParameterValues(new Dictionary<string, string> { ["who"] = "ops", ["env"] = "prod" });
        var prod = await _folder.Catalog.MaterializeAsync("greet", null, values);

        var gate = prod.Find("ok-to-shout")!;
        var noOutputs = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        Assert.True(gate.Condition!(new ConditionContext(values, noOutputs)), "in prod the approval must be asked for");
        Assert.Equal(["ok-to-shout"], prod.Find("shout")!.DependsOn);
    }

    [GeneratedRegex(@"```csharp\n(?<code>// workflows/greet\.csx\n.*?)```", RegexOptions.Singleline)]
    private static partial Regex GreetBlock();
}
