using OpsFlow.Engine.InProcess;
using OpsFlow.Scripting;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>`opsflow validate`: compiles and declares every script, as the server does at start; exit 1 on any problem.</summary>
internal static class ValidateVerb
{
    public static Task<int> RunAsync(CliContext context)
    {
        // The host loaded the folder at start, exactly as the server would; this reports what that load found.
        var console = context.Console;
        var catalog = context.Host.Get<ScriptWorkflowCatalog>();
        foreach (var builtIn in context.Host.Get<InMemoryWorkflowCatalog>().List())
        {
            console.MarkupLineInterpolated($"[green]OK[/]  {builtIn.Name} [grey](built-in)[/]");
        }

        foreach (var file in catalog.Files)
        {
            var path = CliFormat.ScriptPath(catalog.Root, file.File);
            if (file.Ok)
            {
                console.MarkupLineInterpolated($"[green]OK[/]  {file.Workflow} [grey]{path} version {CliFormat.ShortHash(file.Version)}[/]");
                continue;
            }

            foreach (var problem in file.Problems)
            {
                var where = problem.Line > 0 ? $"{CliFormat.ScriptPath(catalog.Root, problem.File)}:{problem.Line}:{Math.Max(problem.Column, 1)}" : path;
                console.MarkupLineInterpolated($"[red]{where}: {problem.Message}[/]");
            }
        }

        var broken = catalog.Files.Count(f => !f.Ok);
        if (catalog.Files.Count == 0)
        {
            console.MarkupLineInterpolated($"[yellow]no workflow scripts in {catalog.Root}[/]");
        }

        if (broken == 0)
        {
            console.MarkupLineInterpolated($"[green]{catalog.Files.Count} script(s) OK[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"[red]{broken} of {catalog.Files.Count} script(s) have problems[/]");
        }

        return Task.FromResult(broken == 0 ? OpsFlowCommandLine.Success : OpsFlowCommandLine.Failure);
    }
}
