using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OpsFlow.Persistence.Sqlite;

/// <summary>Lets `dotnet ef migrations add --project src/OpsFlow.Persistence.Sqlite` build the context without the host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OpsFlowDbContext>
{
    public OpsFlowDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<OpsFlowDbContext>();
        SqliteServiceCollectionExtensions.Configure(options, SqliteOptions.DefaultConnectionString);
        return new OpsFlowDbContext(options.Options);
    }
}
