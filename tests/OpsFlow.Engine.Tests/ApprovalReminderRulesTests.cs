using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Tests;

public sealed class ApprovalReminderRulesTests
{
    [Fact]
    public void Approval_RemindsEvery30Minutes3TimesByDefault_AndRemindChangesIt()
    {
        var workflow = new WorkflowBuilder("w");
        var plain = workflow.Approval("plain");
        var custom = workflow.Approval("custom").Remind(TimeSpan.FromHours(1), maxTimes: 5);
        var off = workflow.Approval("off").Remind(TimeSpan.Zero, maxTimes: 0);

        Assert.Equal((TimeSpan.FromMinutes(30), 3), (plain.Definition.Approval!.RemindEvery, plain.Definition.Approval.MaxReminders));
        Assert.Equal((TimeSpan.FromHours(1), 5), (custom.Definition.Approval!.RemindEvery, custom.Definition.Approval.MaxReminders));
        Assert.Equal(0, off.Definition.Approval!.MaxReminders);
    }

    [Fact]
    public void Remind_TooOftenOrTooManyTimes_IsRefusedSayingTheLimit()
    {
        var workflow = new WorkflowBuilder("w");

        var often = Assert.Throws<ArgumentOutOfRangeException>(() => workflow.Approval("a").Remind(TimeSpan.FromMinutes(1)));
        var many = Assert.Throws<ArgumentOutOfRangeException>(() => workflow.Approval("b").Remind(TimeSpan.FromHours(1), maxTimes: 11));

        Assert.Contains("at least 5 minutes apart", often.Message, StringComparison.Ordinal);
        Assert.Contains("at most 10 times", many.Message, StringComparison.Ordinal);
    }
}
