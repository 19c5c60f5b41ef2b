using OpsFlow.Scripting;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow new &lt;name&gt; [--workflows folder]`: a new workflow script from <see cref="WorkflowTemplate"/>, which
/// validates as written, and the editor globals with it. Never overwrites a file.
/// </summary>
internal static class NewVerb
{
    public static async Task<int> RunAsync(ConfigurationVerbContext context, string name, string? workflows)
    {
        var console = context.Console;
        if (!WorkflowTemplate.IsValidName(name))
        {
            console.MarkupLineInterpolated($"[red]'{name}' is not a workflow name: use {WorkflowTemplate.NameRule}.[/]");
            console.WriteLine("People type it in chat, so pick a short one, e.g. opsflow new disk-cleanup.");
            return OpsFlowCommandLine.BadUsage;
        }

        var folder = EditorVerb.Folder(context, workflows);
        var file = Path.Combine(folder, name + ".csx");
        Directory.CreateDirectory(folder);
        try
        {
            // CreateNew, not an exists-check then a write: a file that appears in between is not overwritten either.
            await using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            await writer.WriteAsync(WorkflowTemplate.Text(name).AsMemory(), context.CancellationToken);
        }
        catch (IOException) when (File.Exists(file))
        {
            console.MarkupLineInterpolated($"[red]{CliFormat.ScriptPath(folder, name + ".csx")} exists already; nothing was written.[/]");
            console.WriteLine("Edit that file, or pick another name.");
            return OpsFlowCommandLine.BadUsage;
        }

        console.MarkupLineInterpolated($"wrote {CliFormat.ScriptPath(folder, name + ".csx")}");
        EditorVerb.Report(console, await EditorGlobals.WriteAsync(folder, context.CancellationToken));
        console.WriteLine();
        console.WriteLine("Next:");
        console.MarkupLineInterpolated($"  fill in the TODOs at the top of {CliFormat.ScriptPath(folder, name + ".csx")}");
        console.WriteLine("  opsflow validate");
        console.MarkupLineInterpolated($"  opsflow plan {name} target=example");
        console.MarkupLineInterpolated($"  opsflow run {name} target=example");
        return OpsFlowCommandLine.Success;
    }
}
