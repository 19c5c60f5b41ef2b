using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>The answers a command on a run gets, worded for the person who sent it.</summary>
internal static class CommandAnswers
{
    public static CommandResult Done(string message) => new(CommandOutcome.Done, message);

    /// <summary>Refuses a command: the person hears why, and the refusal goes into the run's audit trail.</summary>
    public static CommandResult Refuse(RunChanges changes, ILogger logger, Actor actor, string action, string why, bool forbidden = false)
    {
        changes.Audit(null, actor.Label, $"refused {action} by {actor.Label}: {why}");
        Log.CommandRefused(logger, changes.RunId, action, actor.Id, why);
        var message = char.ToUpperInvariant(why[0]) + why[1..] + ".";
        return new CommandResult(forbidden ? CommandOutcome.Forbidden : CommandOutcome.Refused, message);
    }
}
