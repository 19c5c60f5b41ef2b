using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>A verified backup of the OpsFlow database, as a script sees it.</summary>
/// <param name="File">The backup file (its manifest is beside it, <c>&lt;file&gt;.json</c>).</param>
/// <param name="Kind">"sqlite" or "postgres".</param>
/// <param name="Copy">Where the second copy went, when OpsFlow:Backup:CopyTo names a place.</param>
public sealed record OpsFlowBackup(string File, string Kind, long Bytes, bool Encrypted, int Tables, long Rows, string? Copy);

/// <summary>
/// The OpsFlow database's own backups, lent to scripts by the host (the shipped <c>backup</c> workflow uses them):
/// SQLite or PostgreSQL, written, verified, encrypted and copied as OpsFlow:Backup says (docs/backup.md).
/// </summary>
public interface IOpsFlowBackups
{
    Task<OpsFlowBackup> BackUpAsync(Action<string> log, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> PruneAsync(int keep, Action<string> log, CancellationToken cancellationToken);
}

/// <summary>Backing up the OpsFlow database from a step.</summary>
public static class BackupHelpers
{
    /// <summary>
    /// Backs up the OpsFlow database (whichever kind the host uses) into OpsFlow:Backup:Folder: a consistent copy
    /// while the host goes on working, verified before it counts, encrypted and copied to a second place when so
    /// configured. Cancel or time out and nothing is left behind. Progress goes to the step log.
    /// </summary>
    public static Task<OpsFlowBackup> BackUpOpsFlow(this StepContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return Backups(ctx).BackUpAsync(ctx.Log, ctx.CancellationToken);
    }

    /// <summary>Keeps the newest <paramref name="keep"/> good backups in each place and deletes the rest; never the last good one. Returns the deleted files.</summary>
    public static Task<IReadOnlyList<string>> PruneBackups(this StepContext ctx, int keep)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return Backups(ctx).PruneAsync(keep, ctx.Log, ctx.CancellationToken);
    }

    private static IOpsFlowBackups Backups(StepContext ctx) =>
        ctx.Services.GetService(typeof(IOpsFlowBackups)) as IOpsFlowBackups
        ?? throw new InvalidOperationException("this host lends scripts no database backups (the server and `opsflow run` do); run the workflow there");
}
