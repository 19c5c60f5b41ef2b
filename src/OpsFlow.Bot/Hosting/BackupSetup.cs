using Microsoft.Extensions.Options;
using OpsFlow.Persistence.Backups;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Bot.Hosting;

internal static class BackupSetup
{
    /// <summary>
    /// Backups of the OpsFlow database as OpsFlow:Backup says (docs/backup.md), for the shipped backup workflow (lent to
    /// scripts as <see cref="IOpsFlowBackups"/>) and `opsflow backup|restore`. Needs the persistence and the secrets.
    /// </summary>
    public static IServiceCollection AddOpsFlowBackups(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackupOptions>()
            .Bind(configuration.GetSection(BackupOptions.Section))
            .PostConfigure(options =>
            {
                options.Folder = Path.GetFullPath(options.Folder);
                options.CopyTo = string.IsNullOrWhiteSpace(options.CopyTo) ? null : Path.GetFullPath(options.CopyTo);
            })
            .Validate(options => options.Keep >= 1, $"{BackupOptions.Section}:Keep must be at least 1: the newest good backup is always kept.")
            .Validate(
                options => options.CopyTo is null || !string.Equals(options.CopyTo, options.Folder, StringComparison.Ordinal),
                $"{BackupOptions.Section}:CopyTo is the backup folder itself; name another volume or leave it out.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BackupOptions>>().Value);
        services.AddSingleton<DatabaseBackups>();
        services.AddSingleton<IOpsFlowBackups, ScriptBackups>();
        return services;
    }

    /// <summary>The backups as the script API shows them.</summary>
    private sealed class ScriptBackups(DatabaseBackups backups, BackupOptions options) : IOpsFlowBackups
    {
        public async Task<OpsFlowBackup> BackUpAsync(Action<string> log, CancellationToken cancellationToken)
        {
            var manifest = await backups.BackUpAsync(log, cancellationToken);
            return new OpsFlowBackup(
                Path.Combine(options.Folder, manifest.File),
                manifest.Kind,
                manifest.Bytes,
                manifest.Encrypted,
                manifest.Rows.Count,
                manifest.Rows.Values.Sum(),
                options.CopyTo is { } copy ? Path.Combine(copy, manifest.File) : null);
        }

        public Task<IReadOnlyList<string>> PruneAsync(int keep, Action<string> log, CancellationToken cancellationToken) =>
            backups.PruneAsync(keep, log, cancellationToken);
    }
}
