using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>Commands pass between hosts as text (the mailbox): each one reads back as it was written.</summary>
public class CommandLettersTests
{
    private static readonly Actor Ada = new("ada", "Ada", new HashSet<string> { Roles.Admin }, "ada@contoso.com") { ObjectId = "oid-ada", Via = "api" };

    public static TheoryData<RunCommand> Commands() => new()
    {
        new RunCommand.Cancel(Ada, "wrong build"),
        new RunCommand.Pause(Ada),
        new RunCommand.Resume(Ada),
        new RunCommand.Retry(Ada),
        new RunCommand.Skip(Ada, "verify", "known issue"),
        new RunCommand.Decide(Ada, "gate", ApprovalAction.Reject, "not now") { PlanHash = "abc123" },
        new RunCommand.ChangeParameters(Ada, new Dictionary<string, string?> { ["checks"] = "3", ["note"] = null }, "more checks"),
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void ALetter_ReadsBackAsTheCommandItWasWrittenFrom(RunCommand command)
    {
        var read = CommandLetters.Read(CommandLetters.Write(command));

        Assert.NotNull(read);
        Assert.Equal(command.GetType(), read.GetType());
        Assert.Equal((Ada.Id, Ada.DisplayName, Ada.Upn, Ada.ObjectId, Ada.Via), (read.Actor.Id, read.Actor.DisplayName, read.Actor.Upn, read.Actor.ObjectId, read.Actor.Via));
        Assert.True(read.Actor.HasRole(Roles.Admin), "the roles travel with the actor");
        if (command is RunCommand.ChangeParameters change)
        {
            var again = (RunCommand.ChangeParameters)read;
            Assert.Equal(change.Values.OrderBy(p => p.Key), again.Values.OrderBy(p => p.Key));
            Assert.Equal(change.Reason, again.Reason);
        }
        else
        {
            Assert.Equal(command with { Actor = read.Actor }, read);
        }
    }
}
