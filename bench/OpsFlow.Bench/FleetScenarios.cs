using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Ports;
using OpsFlow.Fleet;
using OpsFlow.Testing;

namespace OpsFlow.Bench;

/// <summary>
/// Issue 22's goal: one command on 20 nodes at once takes at most twice one node's time. Real OpenSSH servers on
/// loopback (<see cref="SshdNodes"/>, needs Debian's openssh-server), the command a half-second sleep so the figure is
/// about fan-out and not about a command's own time; on fresh connections (the handshake is part of what a run's first
/// step pays) with SSH.NET's key exchange and with classic X25519, and on pooled ones. Median of the rounds.
/// </summary>
internal static class FleetScenarios
{
    private const int Nodes = 20;

    public static async Task RunAsync(bool quick, Report report)
    {
        var rounds = quick ? 3 : 7;
        await using var sshd = await SshdNodes.StartAsync([.. Enumerable.Range(1, Nodes).Select(i => $"node-{i:00}")]);
        var options = new FleetOptions { KnownHostsPath = sshd.KnownHostsPath, MaxSessionsPerNode = 8 };
        foreach (var node in sshd.Nodes)
        {
            options.Nodes[node.Name] = new NodeOptions { Host = "127.0.0.1", Port = node.Port, User = SshdNodes.User, Tags = ["bench"] };
        }

        var inventory = new NodeInventory(options, NullLogger<NodeInventory>.Instance);
        var secrets = new KeySecret(sshd.ClientKey);

        // sshd runs each command through the user's login shell, and Debian's bash reads ~/.bashrc when sshd starts it
        // (it sees SSH_CLIENT): what that file does, every command pays, on every node, whatever the client does.
        if (await ShellStartUpAsync() is { } startUp)
        {
            report.Add($"fleet: the nodes' user's shell start-up, as sshd runs each command ({startUp.Shell} -c true, reads ~/.bashrc; median of 5)", startUp.Milliseconds, "ms");
        }

        // What a run pays: a fresh connection per node, with SSH.NET's key exchange (post-quantum hybrid first).
        await MeasureAsync(report, rounds, inventory, options, secrets, "fresh connections, SSH.NET's key exchange", warm: false);

        // The same with classic X25519 only: the handshake's cost is mostly the hybrid's key generation, in managed code.
        var classic = new FleetOptions { KnownHostsPath = options.KnownHostsPath, MaxSessionsPerNode = 8, Nodes = options.Nodes, KeyExchange = ["curve25519-sha256"] };
        await MeasureAsync(report, rounds, new NodeInventory(classic, NullLogger<NodeInventory>.Instance), classic, secrets, "fresh connections, curve25519-sha256 only", warm: false);

        // The pool's case: a step after the first on the same nodes finds its connections open.
        await MeasureAsync(report, rounds, inventory, options, secrets, "pooled connections (a later step of the run)", warm: true);
    }

    private static async Task MeasureAsync(Report report, int rounds, NodeInventory inventory, FleetOptions options, KeySecret secrets, string how, bool warm)
    {
        string[] command = ["sleep", "0.5"];
        var nodes = inventory.Select(["bench"]);
        var one = new List<double>();
        var all = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            using (var fleet = new SshFleet(inventory, options, secrets))
            {
                if (warm)
                {
                    await fleet.RunAsync(nodes[0], ["true"], _ => { }, _ => { }, CancellationToken.None);
                }

                one.Add(await TimeAsync(() => fleet.RunAsync(nodes[0], command, _ => { }, _ => { }, CancellationToken.None)));
            }

            using (var fleet = new SshFleet(inventory, options, secrets))
            {
                if (warm)
                {
                    await Task.WhenAll(nodes.Select(n => fleet.RunAsync(n, ["true"], _ => { }, _ => { }, CancellationToken.None)));
                }

                all.Add(await TimeAsync(() => Task.WhenAll(nodes.Select(n => fleet.RunAsync(n, command, _ => { }, _ => { }, CancellationToken.None)))));
            }
        }

        var single = Report.Percentile(one, 50);
        var fanned = Report.Percentile(all, 50);
        report.Add($"fleet: `sleep 0.5` on 1 node over SSH, {how} (median of {rounds})", single, "ms");
        report.Add($"fleet: the same on {Nodes} nodes at once, {how}", fanned, "ms");
        report.Add($"  {Nodes} nodes / 1 node, {how}", fanned / single, "×", "≤ 2", fanned / single <= 2);
    }

    /// <summary>The login shell of the nodes' user and how long it takes to start as sshd starts it; null without /etc/passwd.</summary>
    private static async Task<(string Shell, double Milliseconds)?> ShellStartUpAsync()
    {
        var entry = File.Exists("/etc/passwd")
            ? (await File.ReadAllLinesAsync("/etc/passwd")).Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 7 && f[0] == SshdNodes.User)
            : null;
        if (entry is null || !File.Exists(entry[6]))
        {
            return null;
        }

        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            // sshd's environment for a session: little more than this (an inherited SHLVL would stop bash reading ~/.bashrc).
            var start = new ProcessStartInfo(entry[6], ["-c", "true"]) { UseShellExecute = false };
            start.Environment.Clear();
            start.Environment["HOME"] = entry[5];
            start.Environment["USER"] = SshdNodes.User;
            start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
            start.Environment["SSH_CLIENT"] = "127.0.0.1 50000 22";
            times.Add(await TimeAsync(async () =>
            {
                using var shell = Process.Start(start)!;
                await shell.WaitForExitAsync();
            }));
        }

        return (entry[6], Report.Percentile(times, 50));
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        return watch.Elapsed.TotalMilliseconds;
    }

    private sealed class KeySecret(string key) : ISecretSource
    {
        public IReadOnlyCollection<string> Values => [key];

        public bool TryGet(string name, out string value)
        {
            value = name == "ssh-key" ? key : "";
            return value.Length > 0;
        }
    }
}
