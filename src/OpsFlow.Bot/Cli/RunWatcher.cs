using System.Threading.Channels;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// Hands every committed change to the `run` verb's display. Changes are queued, never awaited by the engine
/// beyond a write to memory, so a slow terminal cannot hold a run back.
/// </summary>
internal sealed class RunWatcher : IRunObserver
{
    private readonly Channel<RunChanged> _changes = Channel.CreateUnbounded<RunChanged>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<RunChanged> Changes => _changes.Reader;

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default) =>
        _changes.Writer.WriteAsync(change, cancellationToken);
}
