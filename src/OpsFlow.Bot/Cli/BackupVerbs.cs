using OpsFlow.Bot.Hosting;
using OpsFlow.Bot.Workflows;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Backups;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow backup` and `opsflow restore &lt;file&gt;` (docs/backup.md). Both build only the database, the secrets and
/// the backups, never the engine: a restore must find the database unused, this process included.
/// </summary>
internal static class BackupVerbs
{
    public static async Task<int> BackUpAsync(ConfigurationVerbContext context)
    {
        await using var services = Services(context);
        var backups = services.GetRequiredService<DatabaseBackups>();
        var options = services.GetRequiredService<BackupOptions>();
        var console = context.Console;
        try
        {
            var manifest = await backups.BackUpAsync(line => console.WriteLine(line), context.CancellationToken);
            await backups.PruneAsync(options.Keep, line => console.WriteLine(line), context.CancellationToken);
            console.MarkupLineInterpolated($"[green]backed up[/] {Path.Combine(options.Folder, manifest.File)}");
            return OpsFlowCommandLine.Success;
        }
        catch (BackupException ex)
        {
            console.MarkupLineInterpolated($"[red]backup failed:[/] {ex.Message}");
            return OpsFlowCommandLine.Failure;
        }
    }

    public static async Task<int> RestoreAsync(ConfigurationVerbContext context, string file, bool yes, bool interactive)
    {
        var console = context.Console;
        var manifest = File.Exists(file) ? await BackupManifest.ReadAsync(file, context.CancellationToken) : null;
        if (!yes)
        {
            var what = manifest is null ? file : $"{file} ({manifest.Kind}, taken {manifest.CreatedAt:u}, {manifest.Rows.Values.Sum()} rows)";
            if (!interactive)
            {
                console.MarkupLineInterpolated($"[red]restore replaces everything in the database with {what}; add --yes to go ahead.[/]");
                return OpsFlowCommandLine.BadUsage;
            }

            var question = new ConfirmationPrompt($"Replace everything in the database with {Markup.Escape(what)}? Runs, logs and audit entries after it are lost.") { DefaultValue = false };
            if (!await question.ShowAsync(console, context.CancellationToken))
            {
                console.WriteLine("Nothing was changed.");
                return OpsFlowCommandLine.Failure;
            }
        }

        await using var services = Services(context);
        try
        {
            var restored = await services.GetRequiredService<DatabaseBackups>().RestoreAsync(file, line => console.WriteLine(line), context.CancellationToken);
            // The restored database is migrated as a host would at its start, then told who restored it: the audit
            // chain goes on from the backup's last entry, and says that what came after it is gone.
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(context.CancellationToken);
            var clock = services.GetRequiredService<TimeProvider>();
            var user = Environment.UserName;
            await services.GetRequiredService<IAuditLog>().AppendAsync(
                new AuditEvent(clock.GetUtcNow(), "restore", AuditOutcome.Done, user, [user], "cli", restored.File, $"restored the backup taken {restored.CreatedAt:u}; what happened after it is not in this database"),
                context.CancellationToken);
            console.MarkupLineInterpolated($"[green]restored[/] {file}; start the hosts again.");
            return OpsFlowCommandLine.Success;
        }
        catch (BackupException ex)
        {
            console.MarkupLineInterpolated($"[red]restore failed:[/] {ex.Message}");
            return OpsFlowCommandLine.Failure;
        }
    }

    private static ServiceProvider Services(ConfigurationVerbContext context)
    {
        var configuration = context.LoadConfiguration();
        return ConfigurationVerbContext.DatabaseServices(configuration, services =>
        {
            services.AddSingleton<ISecretSource, ConfigurationSecrets>();
            services.AddOpsFlowBackups(configuration);
        });
    }
}
