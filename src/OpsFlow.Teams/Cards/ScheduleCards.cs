using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Cards;

/// <summary>/schedules: every recurring run, with when it fires next and who (or which script) set it up.</summary>
internal static class ScheduleCards
{
    public static AdaptiveCard List(IReadOnlyList<RunSchedule> schedules)
    {
        var body = new List<CardElement>();
        if (schedules.Count == 0)
        {
            body.Add(new TextBlock("No schedules. Add one with /schedule <workflow> \"<cron>\" [tz=Zone] args…") { IsSubtle = true });
        }

        body.AddRange(schedules.Select(Entry));
        body.Add(ReplyCard.Note("/unschedule <id> removes a schedule added in chat; one declared in a script changes with the script."));
        var fallback = schedules.Count == 0 ? "No schedules." : "Schedules: " + string.Join("; ", schedules.Select(s => $"{s.Id} {s.Workflow} {s.Cron}"));
        return ReplyCard.Build("Schedules", fallback, body);
    }

    /// <summary>A schedule just added, so the person can check it says what they meant.</summary>
    public static AdaptiveCard Added(RunSchedule schedule) =>
        ReplyCard.Build($"Schedule {schedule.Id} added", $"Schedule {schedule.Id} added: {schedule.Workflow} at {schedule.Cron} ({schedule.TimeZone}).",
        [
            new FactSet(Facts(schedule)),
            ReplyCard.Note($"Its runs post their card in this conversation. /unschedule {schedule.Id} removes it."),
        ]);

    private static Container Entry(RunSchedule schedule) =>
        new([new TextBlock($"**{schedule.Id}** · {schedule.Workflow}"), new FactSet(Facts(schedule))]) { Separator = true, Spacing = "medium" };

    private static List<Fact> Facts(RunSchedule schedule)
    {
        var facts = new List<Fact>
        {
            new("Cron", schedule.Cron),
            new("Zone", schedule.TimeZone),
            new("Next", schedule.NextFireAt is { } next ? RunCardText.Time(next) : "never (the cron has no future time)"),
            new(schedule.DeclaredIn is null ? "Added by" : "Declared in", schedule.DeclaredIn ?? schedule.CreatedBy),
        };
        if (schedule.Parameters.Count > 0)
        {
            facts.Add(new Fact("Arguments", string.Join(' ', schedule.Parameters.Select(p => $"{p.Key}={HelpCards.Quote(p.Value ?? string.Empty)}"))));
        }

        return facts;
    }
}
