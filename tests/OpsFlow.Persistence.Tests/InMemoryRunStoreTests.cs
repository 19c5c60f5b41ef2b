using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

public sealed class InMemoryRunStoreTests : RunStoreContract
{
    protected override Task<IRunStore> CreateStoreAsync() => Task.FromResult<IRunStore>(new InMemoryRunStore());
}
