using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Commands;

namespace OpsFlow.Bot.Api;

/// <summary>
/// The emergency stop over HTTP (the dashboard's button): read it, call it with a reason, lift it. The same
/// <see cref="EmergencyStopCommands"/> as /stop-all and /resume-all, so the same admin rule and audit entries; a stop
/// or its lifting is announced in the default conversation.
/// </summary>
internal static class EmergencyStopEndpoints
{
    public static void MapEmergencyStopEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/emergency-stop", async (EmergencyStop stop, CancellationToken ct) => Results.Ok(Describe(await stop.RefreshAsync(ct))));
        api.MapPost("/emergency-stop", async (HttpContext http, EmergencyStopCommands commands, EmergencyStopAnnouncer announcer, ActorDirectory directory, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync<ReasonBody>(http.Request, optional: false, ct);
            return error ?? await AnswerAsync(await commands.StopAllAsync(http.Caller(directory), body?.Reason, ct), announcer, ct);
        });
        api.MapDelete("/emergency-stop", async (HttpContext http, EmergencyStopCommands commands, EmergencyStopAnnouncer announcer, ActorDirectory directory, CancellationToken ct) =>
            await AnswerAsync(await commands.ResumeAllAsync(http.Caller(directory), ct), announcer, ct));
    }

    /// <summary>What GET answers, and the health check reports.</summary>
    internal static object Describe(EmergencyStopState? stop) => stop is null
        ? new { active = false }
        : new { active = true, byId = stop.ById, byName = stop.ByName, reason = stop.Reason, at = stop.At };

    private static async Task<IResult> AnswerAsync(EmergencyStopResult result, EmergencyStopAnnouncer announcer, CancellationToken cancellationToken)
    {
        switch (result.Outcome)
        {
            case CommandOutcome.Done:
                await announcer.AnnounceAsync(result.Message, askedIn: null, cancellationToken);
                return Results.Ok(new { message = result.Message, runs = result.Runs });
            case CommandOutcome.Forbidden:
                return RunEndpoints.Problem(StatusCodes.Status403Forbidden, result.Message);
            default:
                return RunEndpoints.Problem(StatusCodes.Status409Conflict, result.Message);
        }
    }
}
