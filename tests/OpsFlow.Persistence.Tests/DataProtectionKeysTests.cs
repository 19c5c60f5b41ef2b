using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Persistence.Tests;

/// <summary>Two hosts on one database read each other's sign-in cookies: the keys are in the database, not the host.</summary>
public sealed class DataProtectionKeysTests
{
    [Fact]
    public async Task Payload_ProtectedByOneHost_IsReadByAnother_WithTheKeyStoredInTheDatabase()
    {
        var folder = Path.Combine(Path.GetTempPath(), "opsflow-tests", Guid.NewGuid().ToString("n"));
        await using var first = Host(folder);
        await first.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        await using var second = Host(folder);

        var cookie = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Protect("signed in as megan");
        var read = second.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Unprotect(cookie);

        Assert.Equal("signed in as megan", read);
        await using var db = await first.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>().CreateDbContextAsync();
        Assert.True(await db.DataProtectionKeys.CountAsync() == 1, "the key is a row in data_protection_keys");
    }

    private static ServiceProvider Host(string folder)
    {
        var services = new ServiceCollection().AddLogging().AddOpsFlowSqlite($"Data Source={Path.Combine(folder, "opsflow.db")}");
        services.AddDataProtection().SetApplicationName("OpsFlow").PersistKeysToOpsFlowDatabase();
        return services.BuildServiceProvider();
    }
}
