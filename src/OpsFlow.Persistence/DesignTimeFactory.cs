using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OpsFlow.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the context without the host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OpsFlowDbContext>
{
    public OpsFlowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OpsFlowDbContext>().UseSqlite(PersistenceOptions.DefaultConnectionString).Options);
}
