namespace OpsFlow.Scripting;

/// <summary>Paths of script files relative to the workflows folder, with forward slashes on every OS.</summary>
internal static class ScriptPaths
{
    private static readonly string VirtualRoot = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "opsflow-workflows-root"));

    /// <summary>
    /// Where a #load of <paramref name="target"/> from the file <paramref name="fromFile"/> points, relative to the
    /// workflows folder; null when it leaves the folder (a snapshot must hold every file a script uses).
    /// </summary>
    public static string? Resolve(string fromFile, string target)
    {
        var baseDirectory = Path.GetDirectoryName(Path.Combine(VirtualRoot, fromFile)) ?? VirtualRoot;
        var full = Path.GetFullPath(Path.Combine(baseDirectory, target));
        var relative = Path.GetRelativePath(VirtualRoot, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? null
            : Normalize(relative);
    }

    public static string Normalize(string relative) => relative.Replace('\\', '/');

    public static string Relative(string root, string fullPath) => Normalize(Path.GetRelativePath(root, fullPath));
}
