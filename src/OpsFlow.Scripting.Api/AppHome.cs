using System.Globalization;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>
/// The folder an app lives in on the OpsFlow host (the shipped deploy: <c>&lt;data&gt;/deploy/&lt;app&gt;/&lt;env&gt;</c>):
/// <c>releases/&lt;version&gt;/</c>, the <c>current</c> link to the live one, the running instance's pid file and what
/// a run switched <c>current</c> from (for its rollback). The rules that make a deploy safe to re-run after a crash
/// live here, so a script reads as its procedure. Creating one touches nothing on disk.
/// </summary>
public sealed class AppHome(string folder)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The link to the live release (relative, so the folder can be moved).</summary>
    public string Current => Path.Combine(Folder, "current");

    public string PidFile => Path.Combine(Folder, "app.pid");

    public string Logs => Path.Combine(Folder, "logs");

    private string SwitchRecord => Path.Combine(Folder, "switch.state");

    /// <summary>Where a version's release is published.</summary>
    public string Release(string version) => Path.Combine(Folder, "releases", version);

    /// <summary>What <see cref="Current"/> points at (<c>releases/v1.2</c>), or null when there is no link.</summary>
    public string? CurrentTarget => new FileInfo(Current).LinkTarget;

    /// <summary>
    /// Points <see cref="Current"/> at <paramref name="target"/> (relative to the folder); an empty target removes the
    /// link. Not atomic, as .NET cannot rename a link to a folder over another: switch while the app is stopped.
    /// </summary>
    public void PointCurrentAt(string target)
    {
        // File.Delete removes a link, never what it points at.
        File.Delete(Current);
        if (target.Length > 0)
        {
            File.CreateSymbolicLink(Current, target);
        }
    }

    /// <summary>
    /// Records, once per run, what <see cref="Current"/> pointed at before <paramref name="runId"/> switched it ("" for
    /// no link) and returns it; a re-run of the switch after a crash keeps the first answer.
    /// </summary>
    public string RememberSwitch(string runId)
    {
        if (SwitchedFrom(runId) is { } recorded)
        {
            return recorded;
        }

        var previous = CurrentTarget ?? "";
        Directory.CreateDirectory(Folder);
        File.WriteAllText(SwitchRecord, $"{runId}\n{previous}");
        return previous;
    }

    /// <summary>What <paramref name="runId"/> switched <see cref="Current"/> from ("" for no link), or null when it switched nothing.</summary>
    public string? SwitchedFrom(string runId)
    {
        var parts = File.Exists(SwitchRecord) ? File.ReadAllText(SwitchRecord).Split('\n', 2) : [];
        return parts.Length == 2 && parts[0] == runId ? parts[1] : null;
    }

    /// <summary>Forgets the switch record: the deploy it belongs to is complete or undone.</summary>
    public void ForgetSwitch() => File.Delete(SwitchRecord);

    /// <summary>
    /// The process id in the pid file, when that process still runs this app. A pid file can outlive its process and
    /// the number be reused: the step's machine must find the process running a file under this folder, so someone
    /// else's program is never taken for ours (<see cref="IMachine.IsRunning"/>).
    /// </summary>
    public int? RunningPid(StepContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && ctx.Machine().IsRunning(pid, Folder)
            ? pid
            : null;
    }

    public void RecordPid(int pid)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(PidFile, pid.ToString(CultureInfo.InvariantCulture));
    }

    public void ForgetPid() => File.Delete(PidFile);

    public override string ToString() => Folder;
}
