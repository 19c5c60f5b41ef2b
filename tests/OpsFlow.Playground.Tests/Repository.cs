namespace OpsFlow.Playground.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The host's Playground package (package.json and node_modules, installed by the host's build).</summary>
    public static string PlaygroundPackage => Path.Combine(Root, "src", "OpsFlow.Bot", "Playground");

    /// <summary>TestResults/screenshots at the repository root (git-ignored; CI keeps it as an artifact).</summary>
    public static string Screenshots
    {
        get
        {
            var folder = Path.Combine(Root, "TestResults", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpsFlow.Bot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("OpsFlow.Bot.sln not found above " + AppContext.BaseDirectory);
    }
}
