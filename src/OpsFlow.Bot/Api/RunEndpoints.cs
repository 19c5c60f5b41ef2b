using System.Globalization;
using OpsFlow.Bot.Hosting;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>Listing, reading and starting runs.</summary>
internal static class RunEndpoints
{
    private const int MaxPage = 500;
    private const int MaxLogPage = 1_000;

    public static void MapRunEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/runs", StartAsync);
        api.MapPost("/runs/{id}/again", AgainAsync);
        api.MapGet("/runs", ListAsync);
        api.MapGet("/runs/{id}", GetAsync);
        api.MapGet("/runs/{id}/steps/{step}/log", LogAsync);
    }

    private static async Task<IResult> StartAsync(
        HttpContext http, WorkflowEngine engine, ActorDirectory directory, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<StartRunBody>(http.Request, optional: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(body?.Workflow))
        {
            return Problem(StatusCodes.Status400BadRequest, "Say which workflow to start: {\"workflow\": \"name\", \"parameters\": {…}}.");
        }

        var requestId = http.Request.Headers["Idempotency-Key"].ToString();
        var request = new StartRunRequest(
            body.Workflow.Trim(),
            body.Parameters ?? [],
            http.Caller(directory),
            "api",
            string.IsNullOrWhiteSpace(requestId) ? null : $"api:{requestId}");
        return Answer(await engine.StartAsync(request, cancellationToken));
    }

    /// <summary>Run again: a new run with the parameters of run <paramref name="id"/>, by the caller (<see cref="RunAgain"/>).</summary>
    private static async Task<IResult> AgainAsync(
        string id, HttpContext http, WorkflowEngine engine, ActorDirectory directory, IRunStore store, CancellationToken cancellationToken)
    {
        if (await store.GetRunAsync(id, cancellationToken) is not { } run)
        {
            return Problem(StatusCodes.Status404NotFound, $"There is no run '{id}'.");
        }

        var requestId = http.Request.Headers["Idempotency-Key"].ToString();
        var request = RunAgain.Request(run, http.Caller(directory), "api", string.IsNullOrWhiteSpace(requestId) ? null : $"api:{requestId}");
        return Answer(await engine.StartAsync(request, cancellationToken));
    }

    private static IResult Answer(StartRunResult result) =>
        result switch
        {
            StartRunResult.Started started => Results.Created($"/api/runs/{started.Run.Id}", new RunAnswer($"Run {started.Run.Id} started.", started.Run)),
            StartRunResult.Queued queued => Results.Accepted($"/api/runs/{queued.Run.Id}",
                new RunAnswer($"Run {queued.Run.Id} is queued behind run {queued.HolderRunId}, which holds lock '{queued.Run.LockKey}'.", queued.Run)),
            StartRunResult.Duplicate duplicate => Results.Ok(new RunAnswer($"This request already started run {duplicate.Run.Id}.", duplicate.Run)),
            StartRunResult.LockHeld held => Problem(StatusCodes.Status409Conflict,
                $"Lock '{held.LockKey}' is held by run {held.Holder.Id} ({held.Holder.Status}), requested by {held.Holder.RequestedByName}. Wait for it to end or cancel it."),
            StartRunResult.UnknownWorkflow unknown => Problem(StatusCodes.Status404NotFound,
                $"There is no workflow '{unknown.Workflow}'. Workflows: {string.Join(", ", unknown.Available)}."),
            StartRunResult.InvalidParameters invalid => Problem(StatusCodes.Status400BadRequest,
                $"Workflow '{invalid.Workflow.Name}' did not accept its parameters: {string.Join("; ", invalid.Errors)}.",
                new Dictionary<string, object?> { ["errors"] = invalid.Errors, ["parameters"] = invalid.Workflow.Parameters }),
            StartRunResult.InvalidDefinition bad => Problem(StatusCodes.Status422UnprocessableEntity,
                $"Workflow '{bad.Workflow}' is invalid and cannot run: {string.Join("; ", bad.Problems)}."),
            StartRunResult.Forbidden { ByEmergencyStop: true } stopped => Problem(StatusCodes.Status409Conflict, stopped.Reason),
            StartRunResult.Forbidden forbidden => Problem(StatusCodes.Status403Forbidden, forbidden.Reason),
            _ => throw new InvalidOperationException($"Unknown start result {result.GetType().Name}."),
        };

    private static async Task<IResult> ListAsync(
        string? workflow, string? status, string? requestedBy, string? from, string? to, int? skip, int? take,
        IRunStore store, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        RunStatus? parsedStatus = null;
        if (status is not null)
        {
            if (Enum.TryParse<RunStatus>(status, ignoreCase: true, out var value) && !int.TryParse(status, CultureInfo.InvariantCulture, out _))
            {
                parsedStatus = value;
            }
            else
            {
                problems.Add($"status must be one of {string.Join(", ", Enum.GetNames<RunStatus>())}");
            }
        }

        var fromTime = Time(from, "from", problems);
        var toTime = Time(to, "to", problems);
        if (skip is < 0)
        {
            problems.Add("skip must be 0 or more");
        }

        if (take is < 1 or > MaxPage)
        {
            problems.Add($"take must be between 1 and {MaxPage}");
        }

        if (problems.Count > 0)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Bad filter: {string.Join("; ", problems)}.");
        }

        var query = new RunQuery
        {
            Workflow = workflow,
            Status = parsedStatus,
            RequestedBy = requestedBy,
            From = fromTime,
            To = toTime,
            Skip = skip ?? 0,
            Take = take ?? 50,
        };
        return Results.Ok(await store.ListRunsAsync(query, cancellationToken));
    }

    private static async Task<IResult> GetAsync(string id, IRunStore store, OpsFlow.Bot.Dashboard.RunGraphDefinitions definitions, OpsFlow.Engine.Reports.FailureRecurrences recurrences, CancellationToken cancellationToken)
    {
        var details = await RunDetailsReader.ReadAsync(store, id, cancellationToken);
        return details is null
            ? Problem(StatusCodes.Status404NotFound, $"There is no run '{id}'. GET /api/runs lists recent runs.")
            : Results.Ok(await RunDetailsReader.CompleteAsync(details, definitions, recurrences, cancellationToken));
    }

    /// <summary>
    /// Without <paramref name="after"/>: every line, as an array (the original shape). With it: the lines after that
    /// cursor as <c>{lines, next, more}</c>; a live view starts at after=0 and passes back <c>next</c>.
    /// </summary>
    private static async Task<IResult> LogAsync(string id, string step, string? after, string? take, IRunStore store, CancellationToken cancellationToken)
    {
        long cursor = 0;
        var count = MaxLogPage;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            return Problem(StatusCodes.Status400BadRequest, "after must be a log cursor: 0 for the start, then the next of the previous answer, as in after=0");
        }

        if (take is not null && !(int.TryParse(take, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= MaxLogPage))
        {
            return Problem(StatusCodes.Status400BadRequest, $"take must be a whole number from 1 to {MaxLogPage}, as in take=200");
        }

        var steps = await store.GetStepsAsync(id, cancellationToken);
        if (steps.Count == 0)
        {
            return Problem(StatusCodes.Status404NotFound, $"There is no run '{id}'.");
        }

        if (steps.All(s => s.Name != step))
        {
            return Problem(StatusCodes.Status404NotFound, $"Run {id} has no step '{step}'; its steps are {string.Join(", ", steps.Select(s => s.Name))}.");
        }

        return after is null
            ? Results.Ok(await store.GetStepLogAsync(id, step, cancellationToken))
            : Results.Ok(await store.GetStepLogAfterAsync(id, step, cursor, count, cancellationToken));
    }

    private static DateTimeOffset? Time(string? text, string name, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        problems.Add($"{name} must be a date and time such as 2026-11-26T08:00:00Z");
        return null;
    }

    internal static IResult Problem(int status, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: status, extensions: extensions);
}
