using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace OpsFlow.Scripting.Tests;

/// <summary>
/// The editor globals stand in for the host object in an editor. These tests compile scripts the way OmniSharp does:
/// plain C# script, no host object, only the runtime's assemblies and OmniSharp's default imports; everything OpsFlow
/// must come from the generated file. No error here means no false error in the editor.
/// </summary>
public sealed class EditorGlobalsTests : IDisposable
{
    /// <summary>The namespaces OmniSharp imports in every .csx (the same as csi.exe's).</summary>
    private static readonly string[] OmniSharpImports =
    [
        "System", "System.IO", "System.Collections.Generic", "System.Diagnostics", "System.Dynamic", "System.Linq",
        "System.Linq.Expressions", "System.Text", "System.Threading.Tasks",
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opsflow-editor-" + Guid.NewGuid().ToString("N")[..8]);

    public EditorGlobalsTests()
    {
        var shipped = Path.Combine(RepositoryRoot.Folder, "workflows");
        foreach (var file in Directory.EnumerateFiles(shipped, "*.csx", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_folder, Path.GetRelativePath(shipped, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Temp files are harmless.
        }
    }

    [Theory]
    [InlineData("deploy.csx")]
    [InlineData("backup.csx")]
    [InlineData("inspect.csx")]
    [InlineData("fleet-deploy.csx")]
    [InlineData("fleet-inspect.csx")]
    [InlineData("notice-drill.csx")]
    public async Task ShippedScript_CompiledWithTheGlobalsAndNoHostObject_HasNoErrors(string script)
    {
        await EditorGlobals.WriteAsync(_folder, CancellationToken.None);

        var errors = EditorErrors(script, WithLoad(File.ReadAllText(Path.Combine(_folder, script))));

        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => e.ToString())));
    }

    [Fact]
    public async Task ScriptWithAnError_CompiledAsAnEditorDoes_ReportsItAtItsLine()
    {
        await EditorGlobals.WriteAsync(_folder, CancellationToken.None);
        var text = $"""
            {EditorGlobals.LoadDirective}
            Workflow("broken", "has a typo");
            var target = Param<string>("target", example: "x");
            Step("a", ctx => ctx.NoSuchHelper(target));
            """;

        var error = Assert.Single(EditorErrors("broken.csx", text));

        Assert.Equal("CS1061", error.Id);
        var span = error.Location.GetMappedLineSpan();
        Assert.Equal((Path.Combine(_folder, "broken.csx"), 4), (span.Path, span.StartLinePosition.Line + 1));
    }

    [Fact]
    public void Globals_DeclareTheHostMembersWithTheirDefaultsConstraintsAndCallerParameters()
    {
        var text = EditorGlobals.GlobalsText();

        Assert.Contains("global::OpsFlow.Engine.Definitions.StepBuilder Step(string name, global::System.Func<global::OpsFlow.Engine.Definitions.StepContext, global::System.Threading.Tasks.Task> body, string file = \"\", int line = 0) => throw null!;", text, StringComparison.Ordinal);
        Assert.Contains("T Setting<T>(string key, T fallback, string file = \"\", int line = 0) where T : struct => throw null!;", text, StringComparison.Ordinal);
        Assert.Contains("T Param<T>(string name, string? description = null, object? defaultValue = null, string? pattern = null, global::System.Collections.Generic.IReadOnlyList<string>? oneOf = null, string? example = null, string file = \"\", int line = 0) => throw null!;", text, StringComparison.Ordinal);
        Assert.Contains("Nodes(params string[] tags) => throw null!;", text, StringComparison.Ordinal);
        Assert.Contains("string DataDirectory => throw null!;", text, StringComparison.Ordinal);
        Assert.Contains($"#r \"{typeof(Api.WorkflowScript).Assembly.Location}\"", text, StringComparison.Ordinal);
        Assert.Contains("using OpsFlow.Scripting.Api;", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_KeepsAnOmniSharpConfigThatIsThere()
    {
        Directory.CreateDirectory(_folder);
        var config = Path.Combine(_folder, EditorGlobals.OmniSharpConfigFile);
        File.WriteAllText(config, "{ \"mine\": true }");

        var written = await EditorGlobals.WriteAsync(_folder, CancellationToken.None);

        Assert.Null(written.OmniSharpConfig);
        Assert.Equal("{ \"mine\": true }", File.ReadAllText(config));
        Assert.True(File.Exists(Path.Combine(_folder, ".opsflow", "README.md")));
    }

    /// <summary>The script with the opt-in line, unless it has it already.</summary>
    private static string WithLoad(string text) =>
        text.Contains(EditorGlobals.LoadDirective, StringComparison.Ordinal) ? text : EditorGlobals.LoadDirective + "\n" + text;

    private Diagnostic[] EditorErrors(string script, string text)
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path));
        var options = ScriptOptions.Default
            .WithReferences(framework)
            .WithImports(OmniSharpImports)
            .WithFilePath(Path.Combine(_folder, script))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(_folder))
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(_folder));
        return CSharpScript.Create(text, options).GetCompilation().GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .ToArray();
    }
}
