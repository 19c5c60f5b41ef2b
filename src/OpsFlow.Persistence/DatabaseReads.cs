using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// Every read (and the card id's own-connection save) opens its context through here, so that on SQLite it runs on
/// <see cref="DatabaseThreads"/> rather than holding a pool thread while the driver blocks. Without threads (PostgreSQL)
/// it runs where it is called.
/// </summary>
internal sealed class DatabaseReads(IDbContextFactory<OpsFlowDbContext> contexts, DatabaseThreads? threads = null)
{
    public Task<T> RunAsync<T>(Func<OpsFlowDbContext, Task<T>> read, CancellationToken cancellationToken) =>
        threads is null ? ReadAsync(read, cancellationToken) : threads.RunAsync(() => ReadAsync(read, cancellationToken), cancellationToken);

    public Task RunAsync(Func<OpsFlowDbContext, Task> read, CancellationToken cancellationToken) =>
        RunAsync<bool>(async db => { await read(db); return true; }, cancellationToken);

    private async Task<T> ReadAsync<T>(Func<OpsFlowDbContext, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await read(db);
    }
}
