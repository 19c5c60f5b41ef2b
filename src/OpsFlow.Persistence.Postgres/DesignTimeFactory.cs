using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OpsFlow.Persistence.Postgres;

/// <summary>Lets `dotnet ef migrations add --project src/OpsFlow.Persistence.Postgres` build the context without the host or a server.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OpsFlowDbContext>
{
    public OpsFlowDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<OpsFlowDbContext>();
        PostgresServiceCollectionExtensions.Configure(options, "Host=127.0.0.1;Database=opsflow;Username=opsflow");
        return new OpsFlowDbContext(options.Options);
    }
}
