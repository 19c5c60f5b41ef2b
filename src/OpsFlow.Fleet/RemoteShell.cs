using System.Text;

namespace OpsFlow.Fleet;

/// <summary>
/// An argv list as one command line for the remote user's shell, which is all SSH's exec request carries. Every
/// argument is single-quoted (a quote inside becomes '\''), so nothing in a value is shell syntax. The line first
/// prints the shell's process id on stderr (<see cref="PidMarker"/>), then <c>exec</c>s the program, which keeps that
/// id and leads the session's process group: cancelling ends the group by that id. OpenSSH refuses the protocol's
/// own "signal" request in some setups (a root session: "session signalling requires privilege separation"), so
/// the id is what ends a cancelled command everywhere.
/// </summary>
public static class RemoteShell
{
    /// <summary>The first stderr line of every command: "opsflow-pid:1234".</summary>
    public const string PidMarker = "opsflow-pid:";

    public static string Command(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0 || string.IsNullOrEmpty(argv[0]))
        {
            throw new ArgumentException("A remote command needs at least the program, as the first item of the list.", nameof(argv));
        }

        var text = new StringBuilder($"echo {PidMarker}$$ >&2; exec");
        foreach (var argument in argv)
        {
            text.Append(' ').Append(Quote(argument));
        }

        return text.ToString();
    }

    /// <summary>Ends a command's process group: TERM, then KILL what is left after 5 s.</summary>
    public static string EndGroup(int pid) =>
        $"kill -TERM -- -{pid} 2>/dev/null || exit 0; i=0; while [ $i -lt 50 ] && kill -0 -- -{pid} 2>/dev/null; do sleep 0.1; i=$((i+1)); done; kill -KILL -- -{pid} 2>/dev/null; exit 0";

    public static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
