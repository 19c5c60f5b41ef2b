using System.Diagnostics;
using System.Net.Sockets;

namespace OpsFlow.Testing;

/// <summary>One node the tests reach over SSH: a real OpenSSH server on a loopback port, and a folder standing for its disk.</summary>
public sealed record SshdNode(string Name, int Port, string Folder, string HostKeyPath);

/// <summary>
/// Real OpenSSH servers for the fleet tests (issue 22): each node is an <c>sshd</c> on 127.0.0.1 with a host key of its
/// own, accepting one client key for the user the tests run as, with SFTP. A temporary folder holds the keys, the
/// known-hosts file that lists every node's key, and one folder per node for its files. Debian's openssh-server
/// provides sshd (.ci/run installs it); without it the tests fail saying so, never skip. Everything stops and is deleted
/// on dispose.
/// </summary>
public sealed class SshdNodes : IAsyncDisposable
{
    public const string Sshd = "/usr/sbin/sshd";

    private readonly Dictionary<string, (SshdNode Node, Process Process)> _running = new(StringComparer.Ordinal);

    private SshdNodes(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    /// <summary>The client's private key (OpenSSH text), what OpsFlow:Secrets:ssh-key holds.</summary>
    public string ClientKey => File.ReadAllText(Path.Combine(Folder, "client"));

    public string KnownHostsPath => Path.Combine(Folder, "known_hosts");

    public static string User => Environment.UserName;

    public IReadOnlyList<SshdNode> Nodes => _running.Values.Select(r => r.Node).OrderBy(n => n.Name, StringComparer.Ordinal).ToArray();

    public SshdNode this[string name] => _running[name].Node;

    /// <summary>Starts <paramref name="names"/>, each an sshd whose host key goes into the known-hosts file.</summary>
    public static async Task<SshdNodes> StartAsync(params string[] names)
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"The fleet tests need OpenSSH's server at {Sshd}: apt-get install -y openssh-server (.ci/run does).");
        }

        if (Environment.IsPrivilegedProcess)
        {
            // sshd running as root separates privileges into this empty folder, which a container may lack.
            Directory.CreateDirectory("/run/sshd");
        }

        var nodes = new SshdNodes(Directory.CreateTempSubdirectory("opsflow-sshd-").FullName);
        await KeygenAsync(Path.Combine(nodes.Folder, "client"));
        File.Copy(Path.Combine(nodes.Folder, "client.pub"), Path.Combine(nodes.Folder, "authorized_keys"));
        foreach (var name in names)
        {
            await nodes.StartNodeAsync(name, HostProcess.FreePort(), known: true);
        }

        return nodes;
    }

    /// <summary>Stops a node's server: the node is down.</summary>
    public async Task StopAsync(string name)
    {
        var (_, process) = _running[name];
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Restarts a node with a new host key that the known-hosts file does not list: its key "changed".</summary>
    public async Task ChangeHostKeyAsync(string name)
    {
        var node = _running[name].Node;
        await StopAsync(name);
        File.Delete(node.HostKeyPath);
        File.Delete(node.HostKeyPath + ".pub");
        await KeygenAsync(node.HostKeyPath);
        await StartNodeAsync(name, node.Port, known: false);
    }

    /// <summary>A node whose key is not in the known-hosts file at all.</summary>
    public async Task<SshdNode> StartUnknownAsync(string name)
    {
        return await StartNodeAsync(name, HostProcess.FreePort(), known: false);
    }

    /// <summary>Starts a node's sshd; <paramref name="known"/> adds its host key to the known-hosts file.</summary>
    private async Task<SshdNode> StartNodeAsync(string name, int port, bool known)
    {
        var home = Path.Combine(Folder, "nodes", name);
        Directory.CreateDirectory(home);
        var hostKey = Path.Combine(Folder, $"host-{name}");
        if (!File.Exists(hostKey))
        {
            await KeygenAsync(hostKey);
        }

        if (known)
        {
            var key = (await File.ReadAllTextAsync(hostKey + ".pub")).Split(' ');
            await File.AppendAllTextAsync(KnownHostsPath, $"[127.0.0.1]:{port} {key[0]} {key[1]}\n");
        }

        var config = Path.Combine(Folder, $"sshd-{name}.conf");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            AuthorizedKeysFile {Path.Combine(Folder, "authorized_keys")}
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            AllowUsers {User}
            UsePAM no
            StrictModes no
            PidFile {Path.Combine(Folder, $"sshd-{name}.pid")}
            Subsystem sftp internal-sftp
            """);
        // -E: the server's log in the folder, for a failing test to read.
        var start = new ProcessStartInfo(Sshd, ["-D", "-E", Path.Combine(Folder, $"sshd-{name}.log"), "-o", "LogLevel=DEBUG1", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Sshd}.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var node = new SshdNode(name, port, home, hostKey);
        _running[name] = (node, process);
        await Wait.UntilAsync(() => Task.FromResult(Listening(port) || process.HasExited), $"sshd of node {name} to listen on port {port}");
        if (process.HasExited)
        {
            throw new InvalidOperationException($"sshd of node {name} exited at once (code {process.ExitCode}); run {Sshd} -D -e -f {config} to see why.");
        }

        return node;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task KeygenAsync(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "opsflow-test", "-f", path]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("Could not start ssh-keygen.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen -f {path} failed ({process.ExitCode}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in _running.Values)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        await OwnedProcesses.StopAsync(Folder);
        Directory.Delete(Folder, recursive: true);
    }
}
