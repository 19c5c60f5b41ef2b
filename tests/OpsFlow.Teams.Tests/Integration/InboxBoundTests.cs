using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Teams.Inbound;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>The Teams host that holds one activity at most, whose chat handler waits until the test lets it go.</summary>
public sealed class OneActivityFactory : TeamsFactory
{
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Handling { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Teams:MaxQueuedActivities", "1");
        builder.ConfigureTestServices(services => services.AddSingleton<IChatHandler>(new HeldHandler(this)));
    }

    private sealed class HeldHandler(OneActivityFactory factory) : IChatHandler
    {
        public async Task OnMessageAsync(Turn turn, CancellationToken cancellationToken)
        {
            factory.Handling.TrySetResult();
            await factory.Release.Task.WaitAsync(cancellationToken);
        }

        public Task<Protocol.InvokeResponse> OnCardActionAsync(Turn turn, CancellationToken cancellationToken) =>
            Task.FromResult(Protocol.InvokeResponse.Message("held"));

        public Task OnInstalledAsync(Turn turn, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>docs/security.md, "Bounds": a host that cannot keep up answers 503 with Retry-After; Teams delivers again.</summary>
public sealed class InboxBoundTests(OneActivityFactory factory) : IClassFixture<OneActivityFactory>
{
    [Fact]
    public async Task AFullInbox_Answers503WithRetryAfter_StoresNothing_AndTakesActivitiesAgainOnceItHasRoom()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.PostActivityAsync(ActivityJson.Message("help", "olivia"))).StatusCode);
        await factory.Handling.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var refused = ActivityJson.Message("help", "mark");
        using var busy = await factory.PostActivityAsync(refused);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
        factory.Release.TrySetResult();
        await factory.WaitForChatQuiescenceAsync();
        // The same activity, delivered again as Teams would: not a duplicate, since nothing of it was stored.
        Assert.Equal(HttpStatusCode.OK, (await factory.PostActivityAsync(refused)).StatusCode);
    }
}
