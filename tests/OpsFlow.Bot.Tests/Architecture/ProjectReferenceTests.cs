namespace OpsFlow.Bot.Tests.Architecture;

/// <summary>
/// Dependencies point inward: every project may use the engine, the engine uses none of them, adapters do not know
/// each other, and only the host knows everything. A reference that points outward compiles fine and is found months
/// later, when the adapter cannot be replaced; this fails the build's tests the day it is added. Read from the compiled
/// assemblies, so a reference counts when code uses it.
/// </summary>
public sealed class ProjectReferenceTests
{
    /// <summary>What each product assembly may reference among the product's own; a new project must be added here.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["OpsFlow.Engine"] = [],
        ["OpsFlow.Chat"] = [],
        ["OpsFlow.Scripting.Api"] = ["OpsFlow.Engine"],
        ["OpsFlow.Scripting"] = ["OpsFlow.Engine", "OpsFlow.Scripting.Api"],
        ["OpsFlow.Scheduling"] = ["OpsFlow.Engine"],
        ["OpsFlow.Teams"] = ["OpsFlow.Engine", "OpsFlow.Chat"],
        ["OpsFlow.Notifications"] = ["OpsFlow.Engine"],
        ["OpsFlow.Persistence"] = ["OpsFlow.Engine", "OpsFlow.Chat"],
        ["OpsFlow.Persistence.Sqlite"] = ["OpsFlow.Engine", "OpsFlow.Persistence"],
        ["OpsFlow.Persistence.Postgres"] = ["OpsFlow.Engine", "OpsFlow.Persistence"],
        // SSH and the node inventory: an adapter behind the script API's IFleet port.
        ["OpsFlow.Fleet"] = ["OpsFlow.Engine", "OpsFlow.Scripting.Api"],
    };

    /// <summary>Database drivers and providers, which only the persistence provider projects (and the host) may use.</summary>
    private static readonly string[] DatabaseDrivers = ["Microsoft.Data.Sqlite", "Npgsql", "Microsoft.EntityFrameworkCore.Sqlite", "Npgsql.EntityFrameworkCore.PostgreSQL"];

    [Fact]
    public void EveryProductAssembly_ReferencesOnlyTheProjectsItsLayerMay()
    {
        var outward = new List<string>();
        foreach (var assembly in ProductAssemblies.All().Where(a => a.GetName().Name != "OpsFlow.Bot"))
        {
            var name = assembly.GetName().Name!;
            Assert.True(Allowed.TryGetValue(name, out var allowed), $"{name} is not in the table of allowed references: add it, with what it may use");
            outward.AddRange(assembly.GetReferencedAssemblies()
                .Where(ProductAssemblies.IsProduct)
                .Select(r => r.Name!)
                .Where(r => !allowed.Contains(r))
                .Select(r => $"{name} -> {r}"));
        }

        Assert.True(outward.Count == 0, "references that point outward:\n" + string.Join("\n", outward));
    }

    [Theory]
    [InlineData("OpsFlow.Engine")]
    [InlineData("OpsFlow.Persistence")]
    [InlineData("OpsFlow.Scheduling")]
    [InlineData("OpsFlow.Teams")]
    [InlineData("OpsFlow.Chat")]
    [InlineData("OpsFlow.Notifications")]
    [InlineData("OpsFlow.Scripting")]
    [InlineData("OpsFlow.Fleet")]
    public void ProviderFreeAssembly_UsesNoDatabaseDriver(string assembly)
    {
        // The database is the persistence provider's choice: Quartz and the stores get it from OpsFlowDatabase.
        Assert.Empty(References(assembly).Intersect(DatabaseDrivers));
    }

    [Fact]
    public void TheScan_SeesEveryProjectOfTheTable()
    {
        // The scan starts at the host and follows references: a project it cannot reach would pass unchecked.
        var scanned = ProductAssemblies.All().Select(a => a.GetName().Name).ToArray();
        Assert.All(Allowed.Keys, project => Assert.Contains(project, scanned));
    }

    private static string[] References(string assembly) =>
        ProductAssemblies.All().Single(a => a.GetName().Name == assembly).GetReferencedAssemblies().Select(r => r.Name!).ToArray();
}
