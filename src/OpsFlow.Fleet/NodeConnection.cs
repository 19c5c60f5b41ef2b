using System.Net.Sockets;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Fleet;

/// <summary>
/// One node's SSH connection, shared by the commands that run on it at once (each is a channel of it), up to
/// <see cref="FleetOptions.MaxSessionsPerNode"/>; connected on first use and again after it drops. Every connection
/// checks the node's host key against the known-hosts file first.
/// </summary>
internal sealed class NodeConnection(Node node, Func<ConnectionInfo> connectionInfo, KnownHosts knownHosts, int maxSessions) : IDisposable
{
    private readonly SemaphoreSlim _sessions = new(maxSessions, maxSessions);
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private SshClient? _client;

    public async Task<int> RunAsync(string commandText, Action<string> output, Action<string> errors, CancellationToken cancellationToken)
    {
        await _sessions.WaitAsync(cancellationToken);
        try
        {
            var client = await ClientAsync(cancellationToken);
            using var command = client.CreateCommand(commandText);
            var pid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            // Not SSH.NET's cancel: it closes the channel, and the pid line still on its way would be lost with it.
            var execution = OffThePool(() => command.ExecuteAsync(CancellationToken.None));
            var stdout = PumpAsync(command.OutputStream, output);
            var stderr = PumpAsync(command.ExtendedOutputStream, line =>
            {
                if (!pid.Task.IsCompleted && line.StartsWith(RemoteShell.PidMarker, StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan(RemoteShell.PidMarker.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    pid.TrySetResult(id);
                    return;
                }

                errors(line);
            });
            try
            {
                await execution.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The step was cancelled or timed out: the remote command must not go on without it.
                await EndCancelledAsync(client, command, execution, pid.Task);
                throw;
            }
            finally
            {
                await Task.WhenAll(stdout, stderr);
            }

            return command.ExitStatus ?? throw new RemoteCommandException(
                $"[{node.Name}] the command ended without an exit code{(command.ExitSignal is { } signal ? $" (killed by SIG{signal})" : "")}.");
        }
        catch (SshConnectionException ex)
        {
            Drop();
            throw new RemoteCommandException($"[{node.Name}] the connection to {node.Host}:{node.Port} broke: {ex.Message}", ex);
        }
        finally
        {
            _sessions.Release();
        }
    }

    /// <summary>
    /// Ends a cancelled command. Its channel stays open meanwhile, so the pid line (the shell's first output) still
    /// arrives when the cancel came before it did; the process group is ended by that id on a channel of its own, and
    /// the command's channel then closes as its process is gone. When no id comes, or the channel does not close, within
    /// <see cref="EndWait"/>, the channel is closed from this side.
    /// </summary>
    private static async Task EndCancelledAsync(SshClient client, SshCommand command, Task execution, Task<int> pid)
    {
        await Task.WhenAny(pid, execution, Task.Delay(EndWait, TimeProvider.System, CancellationToken.None));
        if (pid.IsCompletedSuccessfully && !execution.IsCompleted)
        {
            await EndAsync(client, pid.Result);
        }

        try
        {
            await execution.WaitAsync(EndWait);
        }
        catch (TimeoutException)
        {
            // The node does not answer: closing the command also ends its output streams, which the caller drains.
            command.Dispose();
        }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // How the command itself ended no longer matters: the step was cancelled.
        }
    }

    /// <summary>How long a cancel waits for the command's id, and then for its channel to close.</summary>
    private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(10);

    /// <summary>Ends a cancelled command's process group on the node, on a channel of its own; waits at most 10 s.</summary>
    private static async Task EndAsync(SshClient client, int pid)
    {
        try
        {
            using var end = client.CreateCommand(RemoteShell.EndGroup(pid));
            end.CommandTimeout = TimeSpan.FromSeconds(10);
            await end.ExecuteAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is SshException or SshOperationTimeoutException or SocketException or ObjectDisposedException)
        {
            // The connection broke as well: the command cannot be reached from here. The step fails as cancelled either way.
        }
    }

    /// <summary>A connection of its own for SFTP, checked like the command connection.</summary>
    public async Task UploadAsync(string localPath, string remotePath, CancellationToken cancellationToken)
    {
        using var sftp = new SftpClient(connectionInfo());
        await ConnectAsync(sftp, cancellationToken);
        await using var source = File.OpenRead(localPath);
        await using var target = await sftp.OpenAsync(remotePath, FileMode.Create, FileAccess.Write, cancellationToken);
        await source.CopyToAsync(target, cancellationToken);
    }

    private static async Task PumpAsync(Stream stream, Action<string> line)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } text)
        {
            line(text);
        }
    }

    private async Task<SshClient> ClientAsync(CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_client is { IsConnected: true } connected)
            {
                return connected;
            }

            _client?.Dispose();
            _client = null;
            var client = new SshClient(connectionInfo());
            await ConnectAsync(client, cancellationToken);
            return _client = client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Connects, refusing a host key the known-hosts file does not list for the node; says what went wrong in words.</summary>
    private async Task ConnectAsync(BaseClient client, CancellationToken cancellationToken)
    {
        var verdict = HostKeyVerdict.Unknown;
        string? presented = null;
        client.HostKeyReceived += (_, key) =>
        {
            verdict = knownHosts.Check(node.Host, node.Port, key.HostKeyName, key.HostKey);
            presented = $"{key.HostKeyName} SHA256:{key.FingerPrintSHA256}";
            key.CanTrust = verdict == HostKeyVerdict.Known;
        };
        try
        {
            // The whole connect on a thread of its own (bounded by the connection's timeout): ConnectAsync awaits the
            // socket, then blocks the pool thread it resumed on for the key exchange.
            await Task.Factory.StartNew(client.Connect, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(cancellationToken);
        }
        catch (SshConnectionException ex) when (presented is not null && verdict != HostKeyVerdict.Known)
        {
            client.Dispose();
            throw new NodeUnreachableException(HostKeyRefusal(verdict, presented), ex);
        }
        catch (SshAuthenticationException ex)
        {
            client.Dispose();
            throw new NodeUnreachableException($"[{node.Name}] {node.User}@{node.Host}:{node.Port} refused the key or password: {ex.Message}. Check the node's user and the secret that holds its key.", ex);
        }
        catch (Exception ex) when (ex is SocketException or SshOperationTimeoutException or SshConnectionException or ProxyException)
        {
            client.Dispose();
            throw new NodeUnreachableException($"[{node.Name}] cannot reach {node.Host}:{node.Port}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// SSH.NET blocks the calling thread in places its async methods do not await: the key exchange of a connect waits
    /// on a handle, and a command's start waits for the channel to open. Twenty nodes at once on the thread pool of a
    /// 2-core machine starved it: connections timed out after 10 s waiting for a thread (the fleet benchmark found
    /// it). A command starts on a thread of its own; what it awaits later comes back as usual.
    /// </summary>
    private static Task OffThePool(Func<Task> start) =>
        Task.Factory.StartNew(start, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private string HostKeyRefusal(HostKeyVerdict verdict, string presented) => verdict switch
    {
        HostKeyVerdict.Changed => $"[{node.Name}] the host key of {node.Host}:{node.Port} CHANGED ({presented} is not the key {knownHosts.Path} lists): "
            + "the server was reinstalled, or someone is in between. Nothing was run. If the change is expected, remove the old line from the file and add the new key: "
            + knownHosts.AcceptCommand(node.Host, node.Port),
        HostKeyVerdict.Revoked => $"[{node.Name}] the host key of {node.Host}:{node.Port} ({presented}) is marked @revoked in {knownHosts.Path}. Nothing was run.",
        _ => $"[{node.Name}] the host key of {node.Host}:{node.Port} ({presented}) is not in {knownHosts.Path}, so it is not trusted. Nothing was run. "
            + $"Check the fingerprint with the node's owner, then accept it: {knownHosts.AcceptCommand(node.Host, node.Port)}",
    };

    private void Drop()
    {
        _client?.Dispose();
        _client = null;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _sessions.Dispose();
        _connecting.Dispose();
    }
}
