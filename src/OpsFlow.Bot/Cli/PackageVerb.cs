using OpsFlow.Teams;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow package [--out file] [--manifest folder]`: the Teams app package (manifest.json and the two icons in a
/// zip) for this installation's app id and public address, from the configuration the server reads.
/// </summary>
internal static class PackageVerb
{
    public const string DefaultOut = "artifacts/opsflow-teams.zip";
    public const string DefaultManifestFolder = "manifest";

    public static async Task<int> RunAsync(ConfigurationVerbContext context, string output, string manifestFolder)
    {
        var options = context.LoadConfiguration().GetSection(TeamsSetup.Section).Get<TeamsOptions>() ?? new TeamsOptions();
        var problems = TeamsAppPackage.CheckSettings(options.AppId, options.PublicUrl);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                context.Console.MarkupLineInterpolated($"[red]{problem}[/]");
            }

            context.Console.WriteLine("Set them in appsettings.json, the environment or on the command line (--OpsFlow:Teams:AppId=…), then run opsflow package again.");
            return OpsFlowCommandLine.BadUsage;
        }

        var outFile = Path.GetFullPath(output);
        var folder = Path.GetFullPath(manifestFolder);
        try
        {
            await TeamsAppPackage.WriteAsync(folder, options.AppId!, options.PublicUrl!, outFile, context.CancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
        {
            context.Console.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return OpsFlowCommandLine.Failure;
        }

        context.Console.WriteLine(outFile);
        return OpsFlowCommandLine.Success;
    }
}
