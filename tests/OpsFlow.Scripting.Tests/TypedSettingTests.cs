namespace OpsFlow.Scripting.Tests;

/// <summary>Setting&lt;T&gt;: typed settings for scripts, and a value that does not read as its type fails the load at its line.</summary>
public sealed class TypedSettingTests
{
    private const string Script = """
        Workflow("typed");
        var port = Setting<int>("app:port", 5090);
        var wait = Setting<TimeSpan>("app:wait", TimeSpan.FromSeconds(5));
        var loud = Setting<bool>("app:loud", false);
        Step("show", ctx => ctx.Log($"{port} {wait} {loud}"));
        """;

    [Fact]
    public async Task TypedSettings_ReadWithTheInvariantCulture_OrFallBack()
    {
        using var folder = new ScriptFolder(settings: new Dictionary<string, string?> { ["app:port"] = "8080", ["app:wait"] = "00:00:30" });
        folder.Write("typed.csx", Script);

        var status = await folder.LoadAsync("typed.csx");

        Assert.True(status.Ok, string.Join("; ", status.Problems));
    }

    [Fact]
    public async Task ATypedSettingThatDoesNotRead_FailsTheLoadAtItsLine_NamingTheSetting()
    {
        using var folder = new ScriptFolder(settings: new Dictionary<string, string?> { ["app:port"] = "eighty", ["app:loud"] = "very" });
        folder.Write("typed.csx", Script);

        var status = await folder.LoadAsync("typed.csx");

        Assert.Equal([2, 4], status.Problems.Select(p => p.Line));
        Assert.Contains("setting 'app:port' is 'eighty', which is not a whole number; fix OpsFlow:WorkflowSettings:app:port", status.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("setting 'app:loud' is 'very', which is not true or false", status.Problems[1].Message, StringComparison.Ordinal);
    }
}
