using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

public sealed partial class WorkflowScript
{
    private const int KeptRemoteOutput = 64 * 1024;

    /// <summary>
    /// The inventory's nodes that carry every tag given (<c>Nodes("web", "prod")</c>), ordered by name; all nodes for
    /// none. Read when the script runs, so a run sees the inventory as it was when the run was declared.
    /// </summary>
    public IReadOnlyList<Node> Nodes(params string[] tags) => _environment.Fleet.Select(tags);

    /// <summary>
    /// Runs a command on <paramref name="node"/> over SSH: <paramref name="command"/> is an argv list, quoted for the
    /// remote shell (user input cannot inject commands). Output lines go to the step log prefixed with the node's
    /// name, stderr as warnings. A non-zero exit fails the step unless <paramref name="checkExitCode"/> is false. On
    /// cancel or timeout the remote command is signalled to end. The host key must be in the known-hosts file.
    /// </summary>
    public async Task<RemoteResult> Ssh(StepContext ctx, Node node, IReadOnlyList<string> command, bool checkExitCode = true)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(node);
        var output = new TailBuffer(KeptRemoteOutput);
        var errors = new TailBuffer(KeptRemoteOutput);
        ctx.Log($"[{node.Name}] $ {ProcessHelpers.CommandLine(command[0], command.Skip(1))}");
        var code = await Reaching(node, () => _environment.Fleet.RunAsync(
            node,
            command,
            line =>
            {
                output.AppendLine(line);
                ctx.Log($"[{node.Name}] {line}");
            },
            line =>
            {
                errors.AppendLine(line);
                ctx.LogWarning($"[{node.Name}] {line}");
            },
            ctx.CancellationToken));
        var result = new RemoteResult(node.Name, code, output.ToString(), errors.ToString());
        if (checkExitCode && code != 0)
        {
            var tail = ProcessHelpers.LastLines(result.Errors.Length > 0 ? result.Errors : result.Output, 5);
            throw new RemoteCommandException($"[{node.Name}] `{ProcessHelpers.CommandLine(command[0], command.Skip(1))}` exited with code {code}{(tail.Length > 0 ? ": " + tail : "")}");
        }

        return result;
    }

    /// <summary>Copies a local file to <paramref name="remotePath"/> on <paramref name="node"/> (SFTP), replacing what is there.</summary>
    public async Task Upload(StepContext ctx, Node node, string localPath, string remotePath)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(node);
        ctx.Log($"[{node.Name}] upload {localPath} -> {remotePath}");
        await Reaching(node, async () =>
        {
            await _environment.Fleet.UploadAsync(node, localPath, remotePath, ctx.CancellationToken);
            return 0;
        });
    }

    /// <summary>
    /// Puts a release archive (<see cref="ReleaseHelpers.PackRelease"/>) on <paramref name="node"/> as
    /// <c>&lt;root&gt;/releases/&lt;version&gt;/</c>, unless it is there already (a re-run after a crash, or a node that had
    /// it before). Uploaded and unpacked under other names and renamed when complete, so a release folder on a node is
    /// complete or absent.
    /// </summary>
    public async Task InstallRelease(StepContext ctx, Node node, string archive, string root, string version)
    {
        ArgumentNullException.ThrowIfNull(node);
        var there = await Ssh(ctx, node, ["sh", "-c", "mkdir -p \"$1/releases\" && test -d \"$1/releases/$2\"", "install", root, version], checkExitCode: false);
        if (there.ExitCode == 0)
        {
            ctx.Log($"[{node.Name}] release {version} is there already");
            return;
        }

        await Upload(ctx, node, archive, $"{root}/releases/{version}.tar.gz.partial");
        await Ssh(ctx, node, ["sh", "-c", Unpack, "install", root, version]);
    }

    /// <summary>
    /// Switches <c>&lt;root&gt;/current</c> on <paramref name="node"/> to <c>releases/&lt;version&gt;</c> at once (a new
    /// link renamed over the old one) and returns what it pointed at before ("" for nothing). What it pointed at is
    /// recorded on the node for this run first, once: a re-run keeps the first answer, and
    /// <see cref="SwitchedFrom"/> reads it for the rollback.
    /// </summary>
    public async Task<string> SwitchRelease(StepContext ctx, Node node, string root, string version)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var result = await Ssh(ctx, node, ["sh", "-c", Switch, "switch", root, version, ctx.RunId]);
        return result.Output.Trim();
    }

    /// <summary>
    /// What this run switched <c>current</c> from on <paramref name="node"/> ("" for no link before), or null when this
    /// run switched nothing there.
    /// </summary>
    public async Task<string?> SwitchedFrom(StepContext ctx, Node node, string root)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var result = await Ssh(ctx, node, ["sh", "-c", "cd \"$1\" && if [ -e \".opsflow-switch-$2\" ]; then echo \"from:$(cat \".opsflow-switch-$2\")\"; fi", "switched", root, ctx.RunId]);
        var line = result.Output.Trim();
        return line.StartsWith("from:", StringComparison.Ordinal) ? line["from:".Length..] : null;
    }

    /// <summary>Points <c>&lt;root&gt;/current</c> on <paramref name="node"/> at <paramref name="target"/> at once; "" removes the link.</summary>
    public Task PointCurrent(StepContext ctx, Node node, string root, string target) =>
        Ssh(ctx, node, ["sh", "-c", "cd \"$1\" && if [ -n \"$2\" ]; then ln -sfn \"$2\" .current.new && mv -Tf .current.new current; else rm -f current; fi", "point", root, target]);

    /// <summary>Forgets this run's switch record on <paramref name="node"/>: the deploy is complete or undone there.</summary>
    public Task ForgetSwitch(StepContext ctx, Node node, string root)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return Ssh(ctx, node, ["rm", "-f", $"{root}/.opsflow-switch-{ctx.RunId}"]);
    }

    // $1 root, $2 version. Unpacked beside and renamed: a release folder is complete or absent.
    private const string Unpack = """
        set -e
        cd "$1/releases"
        rm -rf "$2.partial"
        mkdir "$2.partial"
        tar -xzf "$2.tar.gz.partial" -C "$2.partial"
        mv "$2.partial" "$2"
        rm -f "$2.tar.gz.partial"
        """;

    // $1 root, $2 version, $3 run id. mv -T renames the new link over the old one in one step (GNU coreutils), so
    // the app never sees no `current`. Prints what `current` was before this run's first switch.
    private const string Switch = """
        set -e
        cd "$1"
        record=".opsflow-switch-$3"
        [ -e "$record" ] || { readlink current || true; } > "$record"
        ln -sfn "releases/$2" .current.new
        mv -Tf .current.new current
        cat "$record"
        """;

    /// <summary>Runs a call on <paramref name="node"/>, noting for a rollout whether it got through to the node.</summary>
    private static async Task<T> Reaching<T>(Node node, Func<Task<T>> call)
    {
        try
        {
            var result = await call();
            NodeReach.Mark(node);
            return result;
        }
        catch (Exception ex) when (ex is not NodeUnreachableException)
        {
            NodeReach.Mark(node);
            throw;
        }
    }
}
