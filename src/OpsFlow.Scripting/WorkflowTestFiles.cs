using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using OpsFlow.Scripting.Api;
using OpsFlow.Scripting.Api.Testing;

namespace OpsFlow.Scripting;

/// <summary>
/// The authors' tests of their workflows (<c>*.tests.csx</c>, by convention in <c>workflows/tests/</c>): found,
/// compiled against <see cref="WorkflowTests"/> and run to collect what they declare. Compiled with Roslyn's own
/// runner, not the server's collectible contexts: <c>opsflow test</c> is a short-lived process.
/// </summary>
public static class WorkflowTestFiles
{
    /// <summary>The folder of the workflows folder that <c>opsflow new</c> puts a workflow's test in.</summary>
    public const string Folder = "tests";

    /// <summary>The test file <c>opsflow new</c> writes for <paramref name="workflow"/>, relative to the workflows folder.</summary>
    public static string For(string workflow) => $"{Folder}/{workflow}{ScriptPaths.TestFileSuffix}";

    /// <summary>Every test file under the folder (relative, sorted), or those whose name starts with <paramref name="name"/> (<c>deploy</c> finds deploy.tests.csx).</summary>
    public static IReadOnlyList<string> Find(string workflowsFolder, string? name = null)
    {
        var root = Path.GetFullPath(workflowsFolder);
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*" + ScriptPaths.TestFileSuffix, SearchOption.AllDirectories)
                .Select(f => ScriptPaths.Relative(root, f))
                .Where(f => !ScriptPaths.IsEditorFile(f))
                .Where(f => name is null || Path.GetFileName(f).StartsWith(name + ".", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];
    }

    /// <summary>
    /// Compiles <paramref name="file"/> (relative to <paramref name="workflowsFolder"/>, with what it #loads) and runs its
    /// top level, which declares the tests. A file that does not compile or throws throws <see cref="ScriptException"/>
    /// with each problem at its file and line.
    /// </summary>
    public static async Task<IReadOnlyList<DeclaredTest>> DeclareAsync(string workflowsFolder, string file, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(workflowsFolder);
        var source = ScriptSourceReader.Read(root, file, out var readProblems);
        if (readProblems.Count > 0)
        {
            throw new ScriptException(file, readProblems);
        }

        var options = ScriptCompiler.Options(source).AddImports(typeof(WorkflowTests).Namespace!);
        var script = CSharpScript.Create(source.EntryText, options, typeof(WorkflowTests));
        var errors = script.Compile(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            throw new ScriptException(file, [.. errors.Select(ScriptCompiler.ToProblem).Distinct().OrderBy(p => p.Line).ThenBy(p => p.Column)]);
        }

        var globals = new WorkflowTests();
        try
        {
            await script.RunAsync(globals, cancellationToken: cancellationToken);
        }
        catch (CompilationErrorException ex)
        {
            throw new ScriptException(file, [.. ex.Diagnostics.Select(ScriptCompiler.ToProblem)]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ScriptException(file, [Locate(ex, source, $"{ex.GetType().Name} while declaring the tests: {ex.Message}")]);
        }

        return globals.Declared;
    }

    /// <summary>Where in the test files <paramref name="exception"/> was thrown: the innermost frame in a file of <paramref name="file"/>'s bundle.</summary>
    public static ScriptProblem Locate(Exception exception, string workflowsFolder, string file, string message)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var source = ScriptSourceReader.Read(Path.GetFullPath(workflowsFolder), file, out _);
        return Locate(exception, source, message);
    }

    private static ScriptProblem Locate(Exception exception, ScriptSource source, string message)
    {
        var frame = new StackTrace(exception, fNeedFileInfo: true).GetFrames()
            .FirstOrDefault(f => f.GetFileName() is { Length: > 0 } name && source.Files.ContainsKey(ScriptPaths.Normalize(name)) && f.GetFileLineNumber() > 0);
        return frame is null
            ? new ScriptProblem(source.EntryPath, 0, 0, message)
            : new ScriptProblem(ScriptPaths.Normalize(frame.GetFileName()!), frame.GetFileLineNumber(), frame.GetFileColumnNumber(), message);
    }
}
