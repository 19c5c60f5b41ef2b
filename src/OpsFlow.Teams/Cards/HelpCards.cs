using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Cards;

/// <summary>A built-in command as /help lists it.</summary>
internal sealed record CommandHelp(string Usage, string Summary);

/// <summary>/help: every workflow with its usage and the built-in commands; /help &lt;workflow&gt;: one workflow in full.</summary>
internal static class HelpCards
{
    /// <summary>The overview; <paramref name="problem"/> leads it when it answers a command that went wrong.</summary>
    public static AdaptiveCard Overview(IReadOnlyList<WorkflowDescriptor> workflows, IReadOnlyList<CommandHelp> commands, string? problem = null, string? whereRunsGo = null)
    {
        var body = new List<CardElement>();
        if (problem is not null)
        {
            body.Add(ReplyCard.Problem(problem));
        }

        body.Add(ReplyCard.Heading("Workflows"));
        if (workflows.Count == 0)
        {
            body.Add(new TextBlock("No workflows are loaded on this host.") { IsSubtle = true });
        }

        body.AddRange(workflows.Select(w => ReplyCard.Entry($"/{ParameterArguments.Usage(w)}", w.Description)));
        body.Add(ReplyCard.Heading("Commands"));
        body.AddRange(commands.Select(c => ReplyCard.Entry(c.Usage, c.Summary)));
        body.Add(ReplyCard.Note("Arguments go in the order shown, or as name=value; quote a value that holds spaces. /help <workflow> explains its parameters."));
        if (whereRunsGo is not null)
        {
            body.Add(ReplyCard.Note(whereRunsGo));
        }

        var fallback = (problem is null ? string.Empty : problem + " ")
            + $"Workflows: {string.Join(", ", workflows.Select(w => w.Name))}. Type /help <workflow> for its parameters.";
        return ReplyCard.Build("OpsFlow help", fallback, body);
    }

    /// <summary>
    /// One workflow: usage, parameters with their rules, defaults and examples, and its schedules: those the
    /// scheduler holds (<paramref name="schedules"/>, declared and added in chat) or, on a host without it, those the
    /// script declares.
    /// </summary>
    public static AdaptiveCard Workflow(WorkflowDescriptor workflow, IReadOnlyList<RunSchedule>? schedules = null)
    {
        var body = new List<CardElement> { ReplyCard.Command($"/{ParameterArguments.Usage(workflow)}") };
        if (!string.IsNullOrWhiteSpace(workflow.Description))
        {
            body.Add(new TextBlock(workflow.Description));
        }

        body.AddRange(Parameters(workflow));
        body.Add(ReplyCard.Command(Example(workflow), "Example:"));
        body.AddRange(StartRules(workflow));
        body.Add(ReplyCard.Heading("Schedules"));
        if ((schedules?.Count ?? workflow.Schedules.Count) == 0)
        {
            body.Add(new TextBlock("None. Add one with /schedule.") { IsSubtle = true });
        }

        body.AddRange(schedules is null
            ? workflow.Schedules.Select(s => ReplyCard.Entry($"{s.Cron} ({s.TimeZone}){Arguments(s.Parameters)}", "declared in the script"))
            : schedules.Select(s => ReplyCard.Entry(
                $"{s.Cron} ({s.TimeZone}){Arguments(s.Parameters)}",
                $"{s.Id}, next {(s.NextFireAt is { } next ? RunCardText.Time(next) : "never")}, {(s.DeclaredIn is null ? $"added by {s.CreatedBy}" : $"declared in {s.DeclaredIn}")}")));
        return ReplyCard.Build($"Workflow {workflow.Name}", $"Usage: /{ParameterArguments.Usage(workflow)}", body);
    }

    /// <summary>Who may start it: any operator, or the rules the script declares (StartableBy).</summary>
    public static IEnumerable<CardElement> StartRules(WorkflowDescriptor workflow)
    {
        yield return ReplyCard.Heading("Who may start it");
        if (workflow.StartRules.Count == 0)
        {
            yield return new TextBlock("Any operator.") { IsSubtle = true };
            yield break;
        }

        foreach (var rule in workflow.StartRules)
        {
            yield return ReplyCard.Entry(
                rule.When is null ? "Every start" : $"When {rule.When}",
                $"only {string.Join(", ", rule.Who)}{(rule.Source is null ? "" : $" ({rule.Source})")}");
        }
    }

    /// <summary>Each parameter: name, type, rule, default, description and an example value.</summary>
    public static IEnumerable<CardElement> Parameters(WorkflowDescriptor workflow)
    {
        yield return ReplyCard.Heading("Parameters");
        if (workflow.Parameters.Count == 0)
        {
            yield return new TextBlock("It takes none.") { IsSubtle = true };
            yield break;
        }

        foreach (var parameter in workflow.Parameters)
        {
            var facts = new List<Fact>
            {
                new("Type", parameter.Type.ToString().ToLowerInvariant()),
                new("Rule", parameter.Rule),
                new("Default", parameter.Default is null ? "none: required" : Quote(parameter.Default)),
                new("Example", $"{parameter.Name}={Quote(parameter.Example)}"),
            };
            if (!string.IsNullOrWhiteSpace(parameter.Description))
            {
                facts.Insert(0, new Fact("About", parameter.Description));
            }

            yield return new Container([new TextBlock(parameter.Name) { Weight = "bolder" }, new FactSet(facts)]) { Spacing = "small" };
        }
    }

    /// <summary>A command line that starts the workflow: required parameters by position, with their example values.</summary>
    public static string Example(WorkflowDescriptor workflow, string command = "") =>
        string.Join(' ', new[] { $"/{command}{workflow.Name}" }.Concat(workflow.Parameters.Where(p => p.Required).Select(p => Quote(p.Example))));

    /// <summary>A value as it must be typed: quoted when it holds spaces.</summary>
    public static string Quote(string value) =>
        value.Length == 0 || value.Any(char.IsWhiteSpace) ? $"\"{value}\"" : value;

    private static string Arguments(IReadOnlyDictionary<string, string?> parameters) =>
        parameters.Count == 0 ? string.Empty : " " + string.Join(' ', parameters.Select(p => $"{p.Key}={Quote(p.Value ?? string.Empty)}"));
}
