using OpsFlow.Scripting;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow new &lt;name&gt; [--workflows folder]`: a new workflow script from <see cref="WorkflowTemplate"/>, which
/// validates as written, its test (<c>tests//// validates as written, and the editor globals with it. Never overwrites a file.lt;name/// validates as written, and the editor globals with it. Never overwrites a file.gt;.tests.csx</c>, which passes as written) and the editor globals. Never
/// overwrites a file.
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

        var folder = ConfigurationVerbContext.WorkflowsFolder(context.LoadConfiguration(), workflows);
        Directory.CreateDirectory(folder);
        if (!await TryWriteNewAsync(Path.Combine(folder, name + ".csx"), WorkflowTemplate.Text(name), context.CancellationToken))
        {
            console.MarkupLineInterpolated($"[red]{CliFormat.ScriptPath(folder, name + ".csx")} exists already; nothing was written.[/]");
            console.WriteLine("Edit that file, or pick another name.");
            return OpsFlowCommandLine.BadUsage;
        }

        console.MarkupLineInterpolated($"wrote {CliFormat.ScriptPath(folder, name + ".csx")}");
        var test = WorkflowTestFiles.For(name);
        Directory.CreateDirectory(Path.Combine(folder, WorkflowTestFiles.Folder));
        if (await TryWriteNewAsync(Path.Combine(folder, test), WorkflowTemplate.TestText(name), context.CancellationToken))
        {
            console.MarkupLineInterpolated($"wrote {CliFormat.ScriptPath(folder, test)} [grey](its test)[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"[yellow]{CliFormat.ScriptPath(folder, test)} exists already; kept as it is[/]");
        }

        EditorVerb.Report(console, await EditorGlobals.WriteAsync(folder, context.CancellationToken));
        console.WriteLine();
        console.WriteLine("Next:");
        console.MarkupLineInterpolated($"  fill in the TODOs at the top of {CliFormat.ScriptPath(folder, name + ".csx")}");
        console.WriteLine("  opsflow validate");
        console.MarkupLineInterpolated($"  opsflow test {name}");
        console.MarkupLineInterpolated($"  opsflow plan {name} target=example");
        console.MarkupLineInterpolated($"  opsflow run {name} target=example");
        return OpsFlowCommandLine.Success;
    }

    /// <summary>
    /// Writes a file that must not exist: CreateNew, not an exists-check then a write, so a file that appears in
    /// between is not overwritten either. False when it exists.
    /// </summary>
    private static async Task<bool> TryWriteNewAsync(string file, string text, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            await writer.WriteAsync(text.AsMemory(), cancellationToken);
            return true;
        }
        catch (IOException) when (File.Exists(file))
        {
            return false;
        }
    }
}
