using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

public sealed class InMemoryAuditLogTests : AuditLogContract
{
    private readonly InMemoryAuditLog _log = new();

    protected override Task<IAuditLog> CreateLogAsync() => Task.FromResult<IAuditLog>(_log);

    protected override Task AlterDetailAsync(long seq, string detail, bool rehash = false)
    {
        _log.Tamper(seq, e => AuditTampering.Altered(e, detail, rehash));
        return Task.CompletedTask;
    }

    protected override Task DeleteAsync(long seq)
    {
        _log.Remove(seq);
        return Task.CompletedTask;
    }
}

public sealed class SqliteAuditLogTests : AuditLogContract
{
    private SqliteDatabase? _database;

    protected override async Task<IAuditLog> CreateLogAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return _database.Audit;
    }

    protected override Task AlterDetailAsync(long seq, string detail, bool rehash = false) => AuditTampering.AlterAsync(_database!.Services, seq, detail, rehash);

    protected override Task DeleteAsync(long seq) => AuditTampering.DeleteAsync(_database!.Services, seq);

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);

    [Fact]
    public async Task TwoProcessesOnOneFile_AppendingAtOnce_KeepOneChain()
    {
        // The web host and the command line each have a writer on the same SQLite file.
        await using var other = await SqliteDatabase.CreateAsync(folder: _database!.Folder);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? Log : other.Audit).AppendAsync(Event(i, detail: $"from {i % 2}"))));

        var verification = await Log.VerifyAsync();
        Assert.True(verification.Intact, $"the chain broke at {verification.BrokenAt}: {verification.Problem}");
        Assert.Equal(40, verification.Checked);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), (await other.Audit.QueryAsync(new AuditQuery())).Select(e => e.Seq));
    }
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresAuditLogTests : AuditLogContract
{
    private PostgresDatabase? _database;

    protected override async Task<IAuditLog> CreateLogAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return _database.Audit;
    }

    protected override Task AlterDetailAsync(long seq, string detail, bool rehash = false) => AuditTampering.AlterAsync(_database!.Services, seq, detail, rehash);

    protected override Task DeleteAsync(long seq) => AuditTampering.DeleteAsync(_database!.Services, seq);

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

/// <summary>What someone with write access to the database does to the audit log: SQL on the table, past the store.</summary>
internal static class AuditTampering
{
    public static AuditEntry Altered(AuditEntry entry, string detail, bool rehash)
    {
        var changed = entry with { Event = entry.Event with { Detail = detail } };
        return rehash ? changed with { Hash = AuditChain.Hash(entry.Seq, entry.PreviousHash, changed.Event) } : changed;
    }

    public static async Task AlterAsync(IServiceProvider services, long seq, string detail, bool rehash)
    {
        var entry = Assert.Single(await services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(AfterSeq: seq - 1, Limit: 1)));
        var altered = Altered(entry, detail, rehash);
        await using var db = await services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>().CreateDbContextAsync();
        var changed = await db.Database.ExecuteSqlAsync($"""UPDATE "audit_log" SET "Detail" = {detail}, "Hash" = {altered.Hash} WHERE "Seq" = {seq}""");
        Assert.True(changed == 1, $"entry {seq} was not there to alter");
    }

    public static async Task DeleteAsync(IServiceProvider services, long seq)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>().CreateDbContextAsync();
        var deleted = await db.Database.ExecuteSqlAsync($"""DELETE FROM "audit_log" WHERE "Seq" = {seq}""");
        Assert.True(deleted == 1, $"entry {seq} was not there to delete");
    }
}
