using OpsFlow.Scripting.Api;

namespace OpsFlow.Fleet.Tests;

/// <summary>Commands and uploads over SSH against real OpenSSH servers on loopback (issue 22, items 2 and 5).</summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class SshFleetTests
{
    [Fact]
    public async Task Run_StreamsBothOutputs_GivesTheExitCode_AndQuotesEveryArgument()
    {
        await using var rig = await FleetRig.StartAsync("web-1");

        var (code, output, errors) = await rig.RunAsync("web-1", ["sh", "-c", "echo \"one $1\"; echo two >&2; exit 3", "sh", "it's $(not) `run`; rm -rf /nothing"]);

        Assert.Equal(3, code);
        Assert.Equal(["one it's $(not) `run`; rm -rf /nothing"], output);
        Assert.Equal(["two"], errors);
    }

    [Fact]
    public async Task Run_ManyCommandsAtOnce_ShareTheNodesConnection()
    {
        await using var rig = await FleetRig.StartAsync("web-1");

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => rig.RunAsync("web-1", ["echo", $"n{i}"])));

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"n{i}"), results.Select(r => Assert.Single(r.Output)));
    }

    [Fact]
    public async Task Cancel_EndsTheRemoteCommand_InsteadOfLeavingItRunning()
    {
        await using var rig = await FleetRig.StartAsync("web-1");
        using var cancel = new CancellationTokenSource();
        var marker = $"{Random.Shared.Next(100, 999)}.{Random.Shared.Next(100, 999)}";
        var output = new List<string>();

        var running = rig.Fleet.RunAsync(rig.Node("web-1"), ["sh", "-c", $"echo started; exec sleep {marker}"], l => output.Add(l), _ => { }, cancel.Token);
        await Wait.UntilAsync(() => Task.FromResult(SleepAlive(marker)), "the remote sleep to start");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await Wait.UntilAsync(() => Task.FromResult(!SleepAlive(marker)), "the remote sleep to end after the cancel",
            describe: () => File.ReadAllTextAsync(Path.Combine(rig.Sshd.Folder, "sshd-web-1.log")));
    }

    [Fact]
    public async Task Cancel_RightAfterTheStart_BeforeTheCommandSaidItsId_StillEndsTheRemoteCommand()
    {
        await using var rig = await FleetRig.StartAsync("web-1");
        await rig.RunAsync("web-1", ["true"]);
        using var cancel = new CancellationTokenSource();
        var marker = $"{Random.Shared.Next(100, 999)}.{Random.Shared.Next(100, 999)}";

        // The connection is open, so the command starts on a channel at once and the cancel comes before its pid line
        // can have been read: the id must still be waited for, not given up with the channel.
        var running = rig.Fleet.RunAsync(rig.Node("web-1"), ["sh", "-c", $"exec sleep {marker}"], _ => { }, _ => { }, cancel.Token);
        await cancel.CancelAsync();

        // The bound only turns a hang (a cancel that waits on streams nobody closes) into a failure.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(60)));
        await Wait.UntilAsync(() => Task.FromResult(!SleepAlive(marker)), "the remote sleep to be gone after the cancel",
            describe: () => File.ReadAllTextAsync(Path.Combine(rig.Sshd.Folder, "sshd-web-1.log")));
        // `true`, the sleep, and the command that ended the sleep's process group by its id.
        var log = await File.ReadAllTextAsync(Path.Combine(rig.Sshd.Folder, "sshd-web-1.log"));
        var sessions = log.Split('\n').Count(l => l.StartsWith("Starting session: command", StringComparison.Ordinal));
        Assert.True(sessions == 3, $"three commands ran on the node (true, the sleep, the end of its group), not {sessions}:\n{log}");
    }

    [Fact]
    public async Task Upload_CopiesAFileToTheNode_OverSftp()
    {
        await using var rig = await FleetRig.StartAsync("web-1");
        var local = Path.Combine(rig.Sshd.Folder, "release.txt");
        await File.WriteAllTextAsync(local, "release v1.2\n");
        var target = Path.Combine(rig.Sshd["web-1"].Folder, "release.txt");

        await rig.Fleet.UploadAsync(rig.Node("web-1"), local, target, CancellationToken.None);

        Assert.Equal("release v1.2\n", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task AChangedHostKey_IsRefused_AndNothingRuns()
    {
        await using var rig = await FleetRig.StartAsync("web-1");
        await rig.Sshd.ChangeHostKeyAsync("web-1");
        var marker = Path.Combine(rig.Sshd["web-1"].Folder, "ran");

        var error = await Assert.ThrowsAsync<NodeUnreachableException>(() => rig.RunAsync("web-1", ["touch", marker]));

        Assert.Contains("the host key of 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("CHANGED", error.Message, StringComparison.Ordinal);
        Assert.Contains($"ssh-keyscan -p {rig.Sshd["web-1"].Port} 127.0.0.1 >> {rig.Sshd.KnownHostsPath}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "nothing may run on a node whose key changed");
    }

    [Fact]
    public async Task AnUnknownHostKey_IsRefused_SayingHowToAcceptIt()
    {
        await using var rig = await FleetRig.StartAsync("web-1");
        var stranger = await rig.Sshd.StartUnknownAsync("web-9");
        var options = new FleetOptions { KnownHostsPath = rig.Sshd.KnownHostsPath };
        FleetRig.Add(options, stranger);
        var inventory = new NodeInventory(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<NodeInventory>.Instance);
        using var fleet = new SshFleet(inventory, options, new FleetRig.KeySecrets(rig.Sshd.ClientKey));

        var error = await Assert.ThrowsAsync<NodeUnreachableException>(() => fleet.RunAsync(inventory.Find("web-9")!, ["true"], _ => { }, _ => { }, CancellationToken.None));

        Assert.Contains("is not in " + rig.Sshd.KnownHostsPath + ", so it is not trusted. Nothing was run.", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA256:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANodeThatIsDown_FailsWithWhereItWasLookedFor()
    {
        await using var rig = await FleetRig.StartAsync("web-1");
        await rig.Sshd.StopAsync("web-1");

        var error = await Assert.ThrowsAsync<NodeUnreachableException>(() => rig.RunAsync("web-1", ["true"]));

        Assert.StartsWith($"[web-1] cannot reach 127.0.0.1:{rig.Sshd["web-1"].Port}", error.Message, StringComparison.Ordinal);
    }

    private static bool SleepAlive(string marker) =>
        OperatingSystem.IsLinux() && Directory.EnumerateDirectories("/proc").Any(p =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(p, "cmdline")).Replace('\0', ' ').Trim() == $"sleep {marker}";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        });

    [Fact]
    public async Task ANodeReachedWithClassicX25519Only_RunsCommandsAsWithTheDefault()
    {
        await using var rig = await FleetRig.StartAsync("web-1");
        var options = new FleetOptions { KnownHostsPath = rig.Sshd.KnownHostsPath, KeyExchange = ["curve25519-sha256"] };
        FleetRig.Add(options, rig.Sshd["web-1"]);
        var inventory = new NodeInventory(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<NodeInventory>.Instance);
        using var fleet = new SshFleet(inventory, options, new FleetRig.KeySecrets(rig.Sshd.ClientKey));
        var output = new List<string>();

        var code = await fleet.RunAsync(inventory.Find("web-1")!, ["echo", "over x25519"], output.Add, _ => { }, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Equal(["over x25519"], output);
    }
}
