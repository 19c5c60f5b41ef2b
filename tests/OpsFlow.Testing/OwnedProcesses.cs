using System.Diagnostics;

namespace OpsFlow.Testing;

/// <summary>
/// The processes a test's host left behind in the folder the test owns. A deployed app is started detached on purpose
/// (it must outlive the bot that deployed it), so stopping the host does not stop it: the deploy tests left the sample
/// app (`…/workflow-data/deploy/web-app/prod/current/hello.dll`) running after every `dotnet test`. Whoever owns a
/// temporary folder stops what runs from it when the folder is deleted. Linux only (it reads /proc); elsewhere there is
/// nothing to find.
/// </summary>
public static class OwnedProcesses
{
    /// <summary>Live processes whose command line or working directory lies in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<(int Pid, string CommandLine)> In(string folder)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc"))
        {
            return [];
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var found = new List<(int, string)>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ').Trim();
                var workingDirectory = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (Inside(commandLine, root) || (workingDirectory is not null && Inside(workingDirectory, root)))
                {
                    found.Add((pid, commandLine));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read: not one of ours either way.
            }
        }

        return found;
    }

    /// <summary>Kills every process <see cref="In"/> finds, with its children, and waits until each has exited; returns what it stopped.</summary>
    public static async Task<IReadOnlyList<string>> StopAsync(string folder, CancellationToken cancellationToken = default)
    {
        var stopped = new List<string>();
        foreach (var (pid, commandLine) in In(folder))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(cancellationToken);
                stopped.Add($"{pid} {commandLine}");
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // It exited between the look and the kill.
            }
        }

        return stopped;
    }

    /// <summary>The synchronous form, for <see cref="IDisposable.Dispose"/>.</summary>
    public static IReadOnlyList<string> Stop(string folder) => StopAsync(folder).GetAwaiter().GetResult();

    private static bool Inside(string text, string root) =>
        text.Contains(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || text.EndsWith(root, StringComparison.Ordinal)
        || text.Contains(root + ' ', StringComparison.Ordinal);
}
