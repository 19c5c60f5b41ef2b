using OpsFlow.Engine.Model;
using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>Recurring schedules: list, add (operator), remove (operator; a script's schedule is changed in the script).</summary>
internal static class ScheduleEndpoints
{
    public static void MapScheduleEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/schedules", async (IRunSchedules schedules, CancellationToken cancellationToken) =>
            Results.Ok(await schedules.ListAsync(cancellationToken)));
        api.MapPost("/schedules", AddAsync);
        api.MapDelete("/schedules/{id}", RemoveAsync);
    }

    private static async Task<IResult> AddAsync(HttpContext http, IRunSchedules schedules, ActorDirectory directory, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ScheduleBody>(http.Request, optional: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(body?.Workflow) || string.IsNullOrWhiteSpace(body.Cron))
        {
            return RunEndpoints.Problem(StatusCodes.Status400BadRequest,
                "Say which workflow and when: {\"workflow\": \"inspect\", \"cron\": \"0 6 * * *\", \"timeZone\": \"Europe/Paris\", \"parameters\": {…}}.");
        }

        var request = new NewSchedule(body.Workflow, body.Cron, body.TimeZone ?? "UTC", body.Parameters ?? [], body.Conversation, http.Caller(directory));
        var result = await schedules.AddAsync(request, cancellationToken);
        return result switch
        {
            { Forbidden: true } => RunEndpoints.Problem(StatusCodes.Status403Forbidden, result.Problems[0]),
            { Ok: true } => Results.Created($"/api/schedules/{result.Schedule!.Id}", result.Schedule),
            _ => RunEndpoints.Problem(StatusCodes.Status400BadRequest, string.Join(" ", result.Problems), new Dictionary<string, object?> { ["problems"] = result.Problems }),
        };
    }

    private static async Task<IResult> RemoveAsync(string id, HttpContext http, IRunSchedules schedules, ActorDirectory directory, CancellationToken cancellationToken)
    {
        var result = await schedules.RemoveAsync(id, http.Caller(directory), cancellationToken);
        return result switch
        {
            { Ok: true } => Results.Ok(result.Schedule),
            { Forbidden: true } => RunEndpoints.Problem(StatusCodes.Status403Forbidden, result.Problems[0]),
            { NotFound: true } => RunEndpoints.Problem(StatusCodes.Status404NotFound, result.Problems[0]),
            _ => RunEndpoints.Problem(StatusCodes.Status409Conflict, result.Problems[0]),
        };
    }
}
