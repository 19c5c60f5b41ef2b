using OpsFlow.Engine.Execution;

namespace OpsFlow.Engine.Model;

/// <summary>
/// Which role each action needs (docs/product.md §10). Chat, the dashboard and the API all go through the engine,
/// so this one table is enforced everywhere. Approvals follow their own rules (the approver list).
/// </summary>
public static class RolePolicy
{
    public const string StartRole = Roles.Operator;

    public static string? RoleFor(RunCommand command) => command switch
    {
        RunCommand.Cancel or RunCommand.Skip or RunCommand.ChangeParameters => Roles.Admin,
        RunCommand.Pause or RunCommand.Resume or RunCommand.Retry => Roles.Operator,
        _ => null,
    };

    public static string Verb(RunCommand command) => command switch
    {
        RunCommand.Decide decide => decide.Action.ToString().ToLowerInvariant(),
        RunCommand.ChangeParameters => "change-parameters",
        _ => command.GetType().Name.ToLowerInvariant(),
    };
}
