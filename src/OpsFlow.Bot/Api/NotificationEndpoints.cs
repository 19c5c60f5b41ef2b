using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// GET /api/notifications: the notice deliveries of the severity routes (docs/teams.md, "Where each notice goes"),
/// newest first; failed=true lists only those failing or given up, with their last error, for the dashboard.
/// </summary>
internal static class NotificationEndpoints
{
    private const int MaxTake = 500;

    public static void MapNotificationEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/notifications", ListAsync);

    private static async Task<IResult> ListAsync(string? failed, string? take, INoticeOutbox outbox, CancellationToken cancellationToken)
    {
        var failedOnly = failed is null ? false : bool.TryParse(failed, out var value) ? value : (bool?)null;
        var count = take is null ? 100 : int.TryParse(take, out var n) && n is >= 1 and <= MaxTake ? n : (int?)null;
        if (failedOnly is null || count is null)
        {
            return RunEndpoints.Problem(StatusCodes.Status400BadRequest, $"Bad query: failed is true or false, take is 1–{MaxTake} (got failed={failed}, take={take}).");
        }

        return Results.Ok(await outbox.ListAsync(failedOnly.Value, count.Value, cancellationToken));
    }
}
