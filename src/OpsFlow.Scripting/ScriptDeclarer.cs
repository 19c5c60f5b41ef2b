using System.Diagnostics;
using System.Text.RegularExpressions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>Runs a loaded script against fresh globals and turns what it declared into a validated definition.</summary>
internal static partial class ScriptDeclarer
{
    public static async Task<WorkflowDefinition> DeclareAsync(
        LoadedScript script,
        ScriptSource source,
        ScriptMode mode,
        ParameterValues values,
        IScriptEnvironment environment,
        TimeSpan timeout,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var globals = new WorkflowScript(mode, values, environment, Path.GetFileNameWithoutExtension(source.EntryPath));
        var problems = new List<ScriptProblem>();
        try
        {
            // On the pool, so a script that loops forever costs a thread, not the caller.
            await Task.Run(() => script.RunAsync(globals), cancellationToken).WaitAsync(timeout, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            problems.Add(new ScriptProblem(source.EntryPath, 0, 0, $"the script did not finish declaring its steps within {timeout.TotalSeconds:0} s; top-level code must only declare (do the work inside steps)."));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            problems.Add(Locate(ex, script, source));
        }

        problems.InsertRange(0, globals.Problems);
        if (problems.Count == 0)
        {
            try
            {
                return globals.Build(source.Hash);
            }
            catch (WorkflowDefinitionException ex)
            {
                problems.AddRange(ex.Problems.Select(p => GraphProblem(p, source)));
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(new ScriptProblem(source.EntryPath, 0, 0, ex.Message));
            }
        }

        throw new ScriptException(source.EntryPath, problems);
    }

    /// <summary>Where in the script an exception was thrown: the first frame in the script's own code.</summary>
    private static ScriptProblem Locate(Exception exception, LoadedScript script, ScriptSource source)
    {
        var frame = new StackTrace(exception, fNeedFileInfo: true).GetFrames()
            .FirstOrDefault(f => f.GetMethod()?.Module.Assembly == script.Assembly && f.GetFileLineNumber() > 0);
        var file = frame?.GetFileName() is { Length: > 0 } name ? ScriptPaths.Normalize(name) : source.EntryPath;
        return new ScriptProblem(file, frame?.GetFileLineNumber() ?? 0, frame?.GetFileColumnNumber() ?? 0, $"{exception.GetType().Name} while declaring the workflow: {exception.Message}");
    }

    /// <summary>Graph problems name the step's declaration ("declared at deploy.csx:12"); lift that into the location.</summary>
    private static ScriptProblem GraphProblem(string problem, ScriptSource source)
    {
        var match = DeclaredAt().Match(problem);
        if (!match.Success)
        {
            return new ScriptProblem(source.EntryPath, 0, 0, problem);
        }

        var fileName = match.Groups["file"].Value;
        var file = source.Files.Keys.FirstOrDefault(f => string.Equals(Path.GetFileName(f), fileName, StringComparison.Ordinal)) ?? fileName;
        return new ScriptProblem(file, int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), 0, problem);
    }

    [GeneratedRegex(@"declared at (?<file>[^:()]+):(?<line>\d+)")]
    private static partial Regex DeclaredAt();
}
