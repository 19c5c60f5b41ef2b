namespace OpsFlow.Scripting;

/// <summary>Paths of script files relative to the workflows folder, with forward slashes on every OS.</summary>
internal static class ScriptPaths
{
    /// <summary>The folder `opsflow editor` writes its editor-only files to; never holds workflows.</summary>
    public const string EditorFolder = ".opsflow";

    /// <summary>
    /// The generated file that stands in for the host object in an editor (<see cref="EditorGlobals"/>). Scripts
    /// #load it for their editor's sake; the server compiles that #load as an empty file, because the real globals
    /// are the host object and a second declaration of each would be ambiguous.
    /// </summary>
    public const string EditorGlobalsFile = EditorFolder + "/globals.csx";

    /// <summary>The same stand-in for test files (<see cref="Api.Testing.WorkflowTests"/> is their host object).</summary>
    public const string EditorTestGlobalsFile = EditorFolder + "/test-globals.csx";

    /// <summary>How a test file's name ends (<c>workflows/tests/deploy.tests.csx</c>); such a file is never a workflow.</summary>
    public const string TestFileSuffix = ".tests.csx";

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

    /// <summary>True for a resolved #load target the server reads as empty (<see cref="EditorGlobalsFile"/>).</summary>
    public static bool IsEditorGlobals(string? resolved) =>
        string.Equals(resolved, EditorGlobalsFile, StringComparison.Ordinal) || string.Equals(resolved, EditorTestGlobalsFile, StringComparison.Ordinal);

    /// <summary>True for a test file (<see cref="TestFileSuffix"/>), read by <c>opsflow test</c> only.</summary>
    public static bool IsTestFile(string relative) => relative.EndsWith(TestFileSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a file under <see cref="EditorFolder"/>: generated for editors, never a workflow.</summary>
    public static bool IsEditorFile(string relative) => relative.StartsWith(EditorFolder + "/", StringComparison.Ordinal);

    public static string Normalize(string relative) => relative.Replace('\\', '/');

    public static string Relative(string root, string fullPath) => Normalize(Path.GetRelativePath(root, fullPath));
}
