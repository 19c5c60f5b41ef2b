namespace OpsFlow.Playground.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
public static class Repository
{
    public static string Root => RepositoryRoot.Folder;

    /// <summary>The host's Playground package (package.json and node_modules, installed by the host's build).</summary>
    public static string PlaygroundPackage => Path.Combine(Root, "src", "OpsFlow.Bot", "Playground");

    /// <summary>TestResults/screenshots at the repository root (git-ignored; CI keeps it as an artifact).</summary>
    public static string Screenshots => RepositoryRoot.Screenshots;
}
