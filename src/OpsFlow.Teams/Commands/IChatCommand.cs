using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Inbound;

namespace OpsFlow.Teams.Commands;

/// <summary>One chat command as a person typed it: who, where, and the words after the command's name.</summary>
internal sealed record CommandContext(Turn Turn, Actor Actor, CommandText Command)
{
    public IReadOnlyList<string> Arguments => Command.Arguments;
}

/// <summary>A built-in command (docs/product.md §2). Its name wins over a workflow of the same name.</summary>
internal interface IChatCommand
{
    /// <summary>What a person types after '/', in lower case.</summary>
    string Name { get; }

    /// <summary>The usage line, as /help shows it: "/runs [workflow] [status]".</summary>
    string Usage { get; }

    /// <summary>What it does, in a few words.</summary>
    string Summary { get; }

    /// <summary>Decides approvals, whose approver lists may name people by UPN: the sender's UPN is looked up.</summary>
    bool DecidesApprovals => false;

    Task RunAsync(CommandContext context, CancellationToken cancellationToken);
}

/// <summary>
/// The built-in commands by name. Resolved from the container on first use, because /help and the dispatcher
/// both need the full list and /help is one of them.
/// </summary>
internal sealed class CommandIndex(IServiceProvider services)
{
    private IReadOnlyList<IChatCommand>? _all;

    /// <summary>The commands in the order they are registered, which is the order /help lists them.</summary>
    public IReadOnlyList<IChatCommand> All => _all ??= services.GetServices<IChatCommand>().ToArray();

    public IChatCommand? Find(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
