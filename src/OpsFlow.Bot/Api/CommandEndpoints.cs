using OpsFlow.Engine.Model;
using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Execution;

namespace OpsFlow.Bot.Api;

/// <summary>Commands on a run: the same engine calls, role rules and approval rules as chat will use.</summary>
internal static class CommandEndpoints
{
    public static void MapCommandEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/runs/{id}/approvals", DecideAsync);
        api.MapPost("/runs/{id}/cancel", async (string id, HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync<ReasonBody>(http.Request, optional: true, ct);
            return error ?? await SendAsync(engine, id, new RunCommand.Cancel(http.Caller(directory), body?.Reason), ct);
        });
        api.MapPost("/runs/{id}/pause", (string id, HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken ct) =>
            SendAsync(engine, id, new RunCommand.Pause(http.Caller(directory)), ct));
        api.MapPost("/runs/{id}/resume", (string id, HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken ct) =>
            SendAsync(engine, id, new RunCommand.Resume(http.Caller(directory)), ct));
        api.MapPost("/runs/{id}/retry", (string id, HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken ct) =>
            SendAsync(engine, id, new RunCommand.Retry(http.Caller(directory)), ct));
        api.MapPost("/runs/{id}/parameters", ChangeParametersAsync);
        api.MapPost("/runs/{id}/steps/{step}/skip", async (string id, string step, HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync<ReasonBody>(http.Request, optional: true, ct);
            return error ?? await SendAsync(engine, id, new RunCommand.Skip(http.Caller(directory), step, body?.Reason), ct);
        });
    }

    private static async Task<IResult> DecideAsync(
        string id, HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ApprovalBody>(http.Request, optional: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!Enum.TryParse<ApprovalAction>(body?.Decision, ignoreCase: true, out var action) || int.TryParse(body?.Decision, out _))
        {
            return RunEndpoints.Problem(StatusCodes.Status400BadRequest,
                "Say the decision: {\"decision\": \"approve\" | \"reject\" | \"extend\", \"step\": optional, \"reason\": optional}.");
        }

        return await SendAsync(engine, id, new RunCommand.Decide(http.Caller(directory), body!.Step, action, body.Reason) { PlanHash = body.PlanHash }, cancellationToken);
    }

    private static async Task<IResult> ChangeParametersAsync(
        string id, HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ParametersBody>(http.Request, optional: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body?.Parameters is not { Count: > 0 } parameters)
        {
            return RunEndpoints.Problem(StatusCodes.Status400BadRequest,
                "Say which parameters change: {\"parameters\": {\"name\": \"value\"}, \"reason\": optional}. The run must be paused; you must be an admin.");
        }

        return await SendAsync(engine, id, new RunCommand.ChangeParameters(http.Caller(directory), parameters, body.Reason), cancellationToken);
    }

    private static async Task<IResult> SendAsync(WorkflowEngine engine, string id, RunCommand command, CancellationToken cancellationToken)
    {
        var result = await engine.SendAsync(id, command, cancellationToken);
        return result.Outcome switch
        {
            CommandOutcome.Done => Results.Ok(new RunAnswer(result.Message, result.Run)),
            CommandOutcome.NotFound => RunEndpoints.Problem(StatusCodes.Status404NotFound, result.Message),
            CommandOutcome.Forbidden => RunEndpoints.Problem(StatusCodes.Status403Forbidden, result.Message),
            _ => RunEndpoints.Problem(StatusCodes.Status409Conflict, result.Message),
        };
    }
}
