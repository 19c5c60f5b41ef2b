using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Scheduling;
using OpsFlow.Teams;
using OpsFlow.Chat;

namespace OpsFlow.Bot.Tests.Architecture;

/// <summary>
/// Each project registers itself, and a port has one registration: an adapter replaces the engine's (or the chat
/// channel's) in-process default whichever was registered first. Before, the timers were registered twice and the last
/// won, and the chat store fell back to memory, silently, when Teams came first. A bad setting fails the start and
/// says which setting and what to write.
/// </summary>
public sealed class RegistrationTests
{
    private static readonly Type[] Ports =
    [
        typeof(IWorkflowTimers), typeof(IWorkflowTimerHandler), typeof(IRunDispatcher), typeof(IRunSchedules),
        typeof(IRunStore), typeof(IRunReports), typeof(IDefinitionSnapshotStore), typeof(IChatStore), typeof(IChatNoticeLog),
        typeof(OpsFlowDatabase), typeof(DatabaseProvider), typeof(WorkflowEngine), typeof(TimeProvider), typeof(IAuditLog),
    ];

    [Fact]
    public void TheHostsRegistrations_InAnyOrder_GiveOneImplementationPerPort_AndTheSameOnes()
    {
        var configuration = Configuration();
        Action<IServiceCollection>[] steps =
        [
            services => services.AddOpsFlowPersistence(configuration),
            services => services.AddOpsFlowEngine(configuration),
            services => services.AddOpsFlowScheduling(configuration),
            services => services.AddOpsFlowTeams(configuration),
        ];

        var asProgram = Implementations(steps);
        var reversed = Implementations([.. steps.Reverse()]);
        var teamsFirst = Implementations([steps[3], steps[0], steps[1], steps[2]]);

        Assert.Equal(asProgram, reversed);
        Assert.Equal(asProgram, teamsFirst);
        Assert.Equal("OpsFlow.Scheduling.QuartzWorkflowTimers", asProgram[typeof(IWorkflowTimers)]);
        Assert.Equal("OpsFlow.Persistence.EfChatStore", asProgram[typeof(IChatStore)]);
        Assert.Equal("OpsFlow.Persistence.EfAuditLog", asProgram[typeof(IAuditLog)]);
    }

    [Theory]
    [InlineData("OpsFlow:Engine:LeaseRenewInterval", "00:00:30", "OpsFlow:Engine:LeaseRenewInterval")]
    [InlineData("OpsFlow:Engine:MaxParallelStepsPerRun", "0", "OpsFlow:Engine:MaxParallelStepsPerRun is 0; use 1 or more")]
    [InlineData("OpsFlow:Retention:Cron", "every night", "OpsFlow:Retention:Cron is 'every night'")]
    [InlineData("OpsFlow:Cluster:CheckinInterval", "-00:00:01", "OpsFlow:Cluster:CheckinInterval")]
    [InlineData("OpsFlow:Database:Provider", "Postgres", "OpsFlow:Database:Provider is Postgres but ConnectionStrings:OpsFlow")]
    public async Task ABadSetting_FailsTheStart_NamingTheSettingAndWhatToDo(string key, string value, string expected)
    {
        var configuration = Configuration((key, value));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddOpsFlowPersistence(configuration).AddOpsFlowEngine(configuration).AddOpsFlowScheduling(configuration);
        using var host = builder.Build();

        var failure = await Record.ExceptionAsync(() => host.StartAsync());

        // Several options that fail for the same cause come as one AggregateException.
        var failures = failure is AggregateException all ? all.InnerExceptions.ToArray() : [Assert.IsType<OptionsValidationException>(failure)];
        Assert.All(failures, f => Assert.IsType<OptionsValidationException>(f));
        Assert.Contains(failures, f => f.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ADurabilityThatIsNeitherProcessNorPower_FailsTheStart_SayingWhatEachMeans()
    {
        var configuration = Configuration(("OpsFlow:Database:Durability", "disk"));

        var failure = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddOpsFlowPersistence(configuration));

        Assert.Contains("OpsFlow:Database:Durability is 'disk'; use process (the default: a killed process loses nothing) or power", failure.Message, StringComparison.Ordinal);
    }

    private static Dictionary<Type, string> Implementations(IEnumerable<Action<IServiceCollection>> steps)
    {
        var services = new ServiceCollection();
        foreach (var step in steps)
        {
            step(services);
        }

        return Ports.ToDictionary(port => port, port =>
        {
            var registrations = services.Where(d => d.ServiceType == port && !d.IsKeyedService).ToArray();
            Assert.True(registrations.Length == 1, $"{port.Name} is registered {registrations.Length} times");
            var registration = registrations[0];
            return registration.ImplementationType?.FullName
                ?? registration.ImplementationInstance?.GetType().FullName
                ?? $"factory in {registration.ImplementationFactory!.Method.DeclaringType?.FullName}";
        });
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["ConnectionStrings:OpsFlow"] = $"Data Source={Path.Combine(Path.GetTempPath(), "opsflow-registration-tests", "opsflow.db")}" }
                .Concat(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
                .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value))
            .Build();
}
