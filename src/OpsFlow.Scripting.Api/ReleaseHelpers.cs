using System.Formats.Tar;
using System.IO.Compression;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>
/// Building a release on the OpsFlow host: the plumbing the shipped deploy workflows share, so a script reads as its
/// procedure. Each helper is safe to run again after a crash (a step runs at least once): what is complete is reused,
/// what is half-written is never mistaken for complete.
/// </summary>
public static class ReleaseHelpers
{
    /// <summary>
    /// Publishes the .NET project in <paramref name="source"/> (Release, with <paramref name="version"/> as its
    /// informational version) into <paramref name="release"/>, unless that folder exists already (a release never
    /// changes once complete). Builds a copy of the source without bin/obj, so the source folder stays clean and two
    /// environments can build at once; publishes beside the release folder and renames it into place, so the folder is
    /// complete or absent.
    /// </summary>
    public static async Task PublishDotnet(this StepContext ctx, string source, string release, string version)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (Directory.Exists(release))
        {
            ctx.Log($"release {version} exists already at {release}; not building it again");
            return;
        }

        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"No app source at {source}; set the workflow's source setting to the project folder.");
        }

        var work = release + ".build";
        var partial = release + ".partial";
        DeleteFolder(work);
        DeleteFolder(partial);
        CopyTree(source, work);
        ctx.Progress(10, "publishing");

        // --disable-build-servers: a compiler server left running would outlive the step and hold the folder.
        await ctx.Run(
            "dotnet",
            ["publish", work, "-c", "Release", "-o", partial, $"-p:InformationalVersion={version}", "--nologo", "--disable-build-servers"],
            environment: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        Directory.Move(partial, release);
        DeleteFolder(work);
    }

    /// <summary>
    /// Packs <paramref name="release"/> into <c>&lt;release&gt;.tar.gz</c> (the archive a remote deploy uploads) and
    /// returns its path; an archive there already is reused. Written under another name and renamed when complete.
    /// </summary>
    public static async Task<string> PackRelease(this StepContext ctx, string release)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var archive = release + ".tar.gz";
        if (File.Exists(archive))
        {
            return archive;
        }

        var partial = archive + ".partial";
        await using (var file = File.Create(partial))
        await using (var zip = new GZipStream(file, CompressionLevel.Optimal))
        {
            await TarFile.CreateFromDirectoryAsync(release, zip, includeBaseDirectory: false, ctx.CancellationToken);
        }

        File.Move(partial, archive, overwrite: true);
        ctx.Log($"packed {release} into {archive} ({new FileInfo(archive).Length / 1024} KiB)");
        return archive;
    }

    /// <summary>Copies a folder tree, leaving out bin and obj at its top (build output that must not travel).</summary>
    public static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Deletes a folder and what it holds; nothing when it is not there.</summary>
    public static void DeleteFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
