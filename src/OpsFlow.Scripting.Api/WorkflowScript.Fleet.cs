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
        var code = await _environment.Fleet.RunAsync(
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
            ctx.CancellationToken);
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
        await _environment.Fleet.UploadAsync(node, localPath, remotePath, ctx.CancellationToken);
    }
}
