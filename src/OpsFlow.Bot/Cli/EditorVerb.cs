using OpsFlow.Scripting;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow editor [--workflows folder]`: writes the editor globals (<see cref="EditorGlobals"/>) so VS Code's C#
/// script support completes and checks workflow scripts. Needs no database: it only reads the configuration for the folder.
/// </summary>
internal static class EditorVerb
{
    public static async Task<int> RunAsync(ConfigurationVerbContext context, string? workflows)
    {
        var folder = ConfigurationVerbContext.WorkflowsFolder(context.LoadConfiguration(), workflows);
        if (!Directory.Exists(folder))
        {
            context.Console.MarkupLineInterpolated($"[red]no workflows folder at {folder}[/]");
            context.Console.WriteLine("Pass --workflows <folder>, or set OpsFlow:WorkflowsPath as the server does.");
            return OpsFlowCommandLine.BadUsage;
        }

        var files = await EditorGlobals.WriteAsync(folder, context.CancellationToken);
        Report(context.Console, files);
        context.Console.MarkupLineInterpolated($"Start a script with [bold]{EditorGlobals.LoadDirective}[/] and open {Shown(folder)} in VS Code (C# extension with OmniSharp) for completion and errors.");
        return OpsFlowCommandLine.Success;
    }

    public static void Report(IAnsiConsole console, EditorFiles files)
    {
        console.MarkupLineInterpolated($"wrote {Shown(files.Globals)} [grey](editor globals: generated, not committed)[/]");
        if (files.TestGlobals is not null)
        {
            console.MarkupLineInterpolated($"wrote {Shown(files.TestGlobals)} [grey](the same for test files)[/]");
        }

        console.MarkupLineInterpolated($"wrote {Shown(files.Readme)}");
        if (files.OmniSharpConfig is not null)
        {
            console.MarkupLineInterpolated($"wrote {Shown(files.OmniSharpConfig)} [grey](turns on OmniSharp's script support for this .NET)[/]");
        }
    }

    /// <summary>A path as the other verbs show script paths: relative to the current folder when under it.</summary>
    private static string Shown(string full) => CliFormat.ScriptPath(Path.GetDirectoryName(full) ?? full, Path.GetFileName(full));
}
