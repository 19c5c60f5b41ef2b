namespace OpsFlow.Testing;

/// <summary>The repository the tests run from: the folder above the test assembly that holds OpsFlow.Bot.sln.</summary>
public static class RepositoryRoot
{
    public static string Folder { get; } = Find();

    /// <summary>TestResults/screenshots at the repository root (git-ignored; CI keeps it as an artifact).</summary>
    public static string Screenshots
    {
        get
        {
            var folder = Path.Combine(Folder, "TestResults", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpsFlow.Bot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("OpsFlow.Bot.sln not found above " + AppContext.BaseDirectory);
    }
}
