using OpsFlow.Bot.Cli.Testing;
using OpsFlow.Scripting;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow test [name] [--workflows folder]`: runs the authors' tests of their workflows (<c>*.tests.csx</c>), each on
/// an OpsFlow of its own with a fake clock, fake programs, URLs and nodes; exit 1 when one fails. Needs no database
/// and no server: a build machine can run it.
/// </summary>
internal static class TestVerb
{
    public static async Task<int> RunAsync(ConfigurationVerbContext context, string? name, string? workflows)
    {
        var console = context.Console;
        var configuration = context.LoadConfiguration();
        var folder = ConfigurationVerbContext.WorkflowsFolder(configuration, workflows);
        var files = WorkflowTestFiles.Find(folder, name);
        if (files.Count == 0)
        {
            console.MarkupLineInterpolated($"[yellow]no tests{(name is null ? "" : $" for '{name}'")} in {CliFormat.ScriptPath(folder, WorkflowTestFiles.Folder)} (files named *.tests.csx)[/]");
            console.MarkupLineInterpolated($"`opsflow new <name>` writes a workflow with its test; docs/scripts.md, \"Test a workflow\", shows how to write one.");
            return name is null ? OpsFlowCommandLine.Success : OpsFlowCommandLine.BadUsage;
        }

        var cache = Path.GetFullPath(configuration.GetSection(ScriptingServiceCollectionExtensions.Section)[nameof(ScriptingOptions.CachePath)] ?? new ScriptingOptions().CachePath);
        var runner = new ScriptTestRunner(folder, cache, TimeProvider.System);
        var outcomes = new List<TestOutcome>();
        var brokenFiles = 0;
        foreach (var file in files)
        {
            IReadOnlyList<Scripting.Api.Testing.DeclaredTest> tests;
            try
            {
                tests = await WorkflowTestFiles.DeclareAsync(folder, file, context.CancellationToken);
            }
            catch (ScriptException ex)
            {
                brokenFiles++;
                foreach (var problem in ex.Problems)
                {
                    console.MarkupLineInterpolated($"[red]{Where(folder, problem)}: {problem.Message}[/]");
                }

                continue;
            }

            console.MarkupLineInterpolated($"[bold]{CliFormat.ScriptPath(folder, file)}[/] [grey]({tests.Count} test(s))[/]");
            foreach (var test in tests)
            {
                var outcome = await runner.RunAsync(file, test, context.CancellationToken);
                outcomes.Add(outcome);
                var took = $"{outcome.Took.TotalSeconds:0.0} s";
                if (outcome.Failure is { } failure)
                {
                    console.MarkupLineInterpolated($"  [red]FAIL[/] {test.Name} [grey]({took})[/]");
                    console.MarkupLineInterpolated($"       [red]{Where(folder, failure)}: {failure.Message}[/]");
                }
                else
                {
                    console.MarkupLineInterpolated($"  [green]ok[/]   {test.Name} [grey]({took})[/]");
                }
            }
        }

        var failed = outcomes.Count(o => !o.Passed);
        var summary = $"{outcomes.Count - failed} passed, {failed} failed{(brokenFiles > 0 ? $", {brokenFiles} file(s) did not load" : "")}";
        if (failed + brokenFiles == 0)
        {
            console.MarkupLineInterpolated($"[green]{summary}[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"[red]{summary}[/]");
        }

        return failed + brokenFiles == 0 ? OpsFlowCommandLine.Success : OpsFlowCommandLine.Failure;
    }

    private static string Where(string folder, Scripting.Api.ScriptProblem problem) =>
        problem.Line > 0 ? $"{CliFormat.ScriptPath(folder, problem.File)}:{problem.Line}:{Math.Max(problem.Column, 1)}" : CliFormat.ScriptPath(folder, problem.File);
}
