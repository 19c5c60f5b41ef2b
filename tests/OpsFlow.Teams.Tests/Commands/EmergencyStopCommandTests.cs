using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>/stop-all and /resume-all from chat: admins only, a reason required, and the answer says what stopped.</summary>
public sealed class EmergencyStopCommandTests
{
    [Fact]
    public async Task StopAll_IsForAdmins_NeedsAReason_StopsStarts_AndResumeAll_LiftsIt()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/stop-all database failover", ChatHarness.Requester);
        Assert.Contains("Not done: stop-all needs the admin role", chat.LastText, StringComparison.Ordinal);
        await chat.SayAsync("/stop-all", ChatHarness.Admin);
        Assert.Contains("Usage: `/stop-all <reason>`", chat.LastText, StringComparison.Ordinal);

        await chat.SayAsync("/stop-all database failover", ChatHarness.Admin);
        Assert.StartsWith("⛔ Emergency stop by Person user-id-1: database failover.", chat.LastText, StringComparison.Ordinal);
        await chat.SayAsync("/deploy app=web-app version=v1", ChatHarness.Requester);
        Assert.Contains("New runs are refused: emergency stop by Person user-id-1", chat.LastText, StringComparison.Ordinal);
        Assert.Empty(await chat.RunsAsync());

        await chat.SayAsync("/resume-all", ChatHarness.Admin);
        Assert.StartsWith("▶ Emergency stop lifted by Person user-id-1", chat.LastText, StringComparison.Ordinal);
        await chat.SayAsync("/deploy app=web-app version=v1", ChatHarness.Requester);
        var run = Assert.Single(await chat.RunsAsync());
        await chat.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }
}
