using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Tests.Publishing;

public sealed class TeamsSetupCardsTests
{
    [Fact]
    public void AddOpsFlowTeams_RegistersOnePublisher_AsRunCardsObserverAndHostedService()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IRunStore, InMemoryRunStore>();
        services.AddSingleton<IWorkflowCatalog, InMemoryWorkflowCatalog>();
        services.AddSingleton<IConnectorClient>(new RecordingConnector());
        services.AddOpsFlowTeams(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        var publisher = provider.GetRequiredService<RunCardPublisher>();

        Assert.Same(publisher, provider.GetRequiredService<IRunCards>());
        Assert.Contains(provider.GetServices<IRunObserver>(), o => ReferenceEquals(o, publisher));
        var hosted = services.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationFactory is not null);
        Assert.Contains(hosted, d => ReferenceEquals(d.ImplementationFactory!(provider), publisher));
    }
}
