using OpsFlow.Bot.Hosting;
using OpsFlow.Persistence;
using OpsFlow.Scheduling;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow archive`: the history tiers' daily pass, now (docs/retention.md). It builds the database and the pass only,
/// and records each file it writes or deletes in the audit log in the name of the person at the terminal.
/// </summary>
internal static class ArchiveVerb
{
    public static async Task<int> RunAsync(ConfigurationVerbContext context)
    {
        var configuration = context.LoadConfiguration();
        var console = context.Console;
        var options = configuration.GetSection(SchedulingServiceCollectionExtensions.RetentionSection).Get<RetentionOptions>() ?? new RetentionOptions();
        if (HistoryTiersPass.Problems(options) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                console.MarkupLineInterpolated($"[red]{problem}[/]");
            }

            return OpsFlowCommandLine.BadUsage;
        }

        await using var provider = ConfigurationVerbContext.DatabaseServices(configuration, services => services.AddSingleton<HistoryTiersPass>());
        await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync(context.CancellationToken);
        var folder = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpsFlow.Persistence.Archive.ArchiveOptions>>().Value.ArchiveFolder;
        if (options.HotDays == 0)
        {
            console.WriteLine($"{SchedulingServiceCollectionExtensions.RetentionSection}:HotDays is 0: every run stays in the database, nothing is archived.");
        }

        var result = await provider.GetRequiredService<HistoryTiersPass>().RunAsync(options, "cli", Environment.UserName, context.CancellationToken);
        foreach (var month in result.Archived)
        {
            console.MarkupLineInterpolated($"[green]archived[/] {month.Runs} run(s) of {month.Month} to {Path.Combine(folder, month.File)} ({month.Bytes} bytes)");
        }

        foreach (var gone in result.Deleted)
        {
            console.MarkupLineInterpolated($"[yellow]deleted[/] {gone.File} and its {gone.Runs} run(s) of {gone.Month}, older than {options.ColdYears} years");
        }

        if (result.Archived.Count == 0 && result.Deleted.Count == 0)
        {
            console.WriteLine(options.HotDays > 0
                ? $"Nothing to move: no finished run is in a month older than {options.HotDays} days that is not archived yet, and no archive is past {options.ColdYears} years."
                : "Nothing to delete.");
        }

        return OpsFlowCommandLine.Success;
    }
}
