using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Playground.Tests;

/// <summary>Stands in only while the host registers no chat handler of its own (TryAdd): it answers and does nothing.</summary>
internal sealed class NoChatHandler : IChatHandler
{
    public Task OnMessageAsync(Turn turn, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<InvokeResponse> OnCardActionAsync(Turn turn, CancellationToken cancellationToken) =>
        Task.FromResult(InvokeResponse.Message("No chat handler is registered in this host."));

    public Task OnInstalledAsync(Turn turn, CancellationToken cancellationToken) => Task.CompletedTask;
}
