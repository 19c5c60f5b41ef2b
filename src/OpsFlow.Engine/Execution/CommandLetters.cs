using System.Text.Json;
using System.Text.Json.Serialization;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// A command and its answer as text, to pass between hosts through the mailbox. The actor travels with its roles as
/// the receiving host resolved them: the driving host checks them again, as it would for a command of its own.
/// </summary>
internal static class CommandLetters
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string Write(RunCommand command)
    {
        var letter = command switch
        {
            RunCommand.Cancel c => new Letter("cancel", Of(c.Actor)) { Reason = c.Reason },
            RunCommand.Pause p => new Letter("pause", Of(p.Actor)),
            RunCommand.Resume r => new Letter("resume", Of(r.Actor)),
            RunCommand.Retry r => new Letter("retry", Of(r.Actor)),
            RunCommand.Skip s => new Letter("skip", Of(s.Actor)) { Step = s.Step, Reason = s.Reason },
            RunCommand.Decide d => new Letter("decide", Of(d.Actor)) { Step = d.Step, Action = d.Action, Reason = d.Reason, PlanHash = d.PlanHash },
            RunCommand.ChangeParameters c => new Letter("parameters", Of(c.Actor)) { Parameters = c.Values, Reason = c.Reason },
            _ => throw new InvalidOperationException($"Unknown command {command.GetType().Name}."),
        };
        return JsonSerializer.Serialize(letter, Json);
    }

    /// <summary>The command, or null when the text is not a command this version knows (a newer host wrote it).</summary>
    public static RunCommand? Read(string payload)
    {
        Letter? letter;
        try
        {
            letter = JsonSerializer.Deserialize<Letter>(payload, Json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (letter?.Actor is not { } a)
        {
            return null;
        }

        var actor = new Actor(a.Id, a.Name, new HashSet<string>(a.Roles, StringComparer.OrdinalIgnoreCase), a.Upn) { ObjectId = a.ObjectId, Via = a.Via ?? "system" };
        return letter.Kind switch
        {
            "cancel" => new RunCommand.Cancel(actor, letter.Reason),
            "pause" => new RunCommand.Pause(actor),
            "resume" => new RunCommand.Resume(actor),
            "retry" => new RunCommand.Retry(actor),
            "skip" when letter.Step is { } step => new RunCommand.Skip(actor, step, letter.Reason),
            "decide" when letter.Action is { } action => new RunCommand.Decide(actor, letter.Step, action, letter.Reason) { PlanHash = letter.PlanHash },
            "parameters" when letter.Parameters is { } values => new RunCommand.ChangeParameters(actor, values, letter.Reason),
            _ => null,
        };
    }

    public static string WriteAnswer(CommandResult result) =>
        JsonSerializer.Serialize(new Answer(result.Outcome, result.Message), Json);

    public static CommandResult ReadAnswer(string answer, RunRecord? run)
    {
        var read = JsonSerializer.Deserialize<Answer>(answer, Json)
            ?? throw new InvalidOperationException("A host answered a command with nothing.");
        return new CommandResult(read.Outcome, read.Message, run);
    }

    private static LetterActor Of(Actor actor) => new(actor.Id, actor.DisplayName, [.. actor.Roles], actor.Upn, actor.ObjectId, actor.Via);

    private sealed record LetterActor(string Id, string Name, string[] Roles, string? Upn, string? ObjectId, string? Via = null);

    private sealed record Letter(string Kind, LetterActor? Actor)
    {
        public string? Step { get; init; }

        public ApprovalAction? Action { get; init; }

        public string? Reason { get; init; }

        public string? PlanHash { get; init; }

        public IReadOnlyDictionary<string, string?>? Parameters { get; init; }
    }

    private sealed record Answer(CommandOutcome Outcome, string Message);
}
