using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Ports;
using OpsFlow.Fleet;
using OpsFlow.Testing;

namespace OpsFlow.Bench;

/// <summary>
/// Issue 22's goal: one command on 20 nodes at once takes at most twice one node's time. Real OpenSSH servers on
/// loopback (<see cref="SshdNodes"/>, needs Debian's openssh-server), each measurement on fresh connections (the
/// handshake is part of what a run pays), the command a half-second sleep so the figure is about fan-out and not about
/// a command's own time. Median of the rounds.
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
        string[] command = ["sleep", "0.5"];
        var one = new List<double>();
        var all = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            using (var fleet = new SshFleet(inventory, options, secrets))
            {
                one.Add(await TimeAsync(() => fleet.RunAsync(inventory.Select(["bench"])[0], command, _ => { }, _ => { }, CancellationToken.None)));
            }

            using (var fleet = new SshFleet(inventory, options, secrets))
            {
                var nodes = inventory.Select(["bench"]);
                all.Add(await TimeAsync(() => Task.WhenAll(nodes.Select(n => fleet.RunAsync(n, command, _ => { }, _ => { }, CancellationToken.None)))));
            }
        }

        var single = Report.Percentile(one, 50);
        var fanned = Report.Percentile(all, 50);
        report.Add($"fleet: `sleep 0.5` on 1 node over SSH, fresh connection (median of {rounds})", single, "ms");
        report.Add($"fleet: the same on {Nodes} nodes at once, fresh connections", fanned, "ms");
        report.Add($"  {Nodes} nodes / 1 node", fanned / single, "×", "≤ 2", fanned / single <= 2);
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
