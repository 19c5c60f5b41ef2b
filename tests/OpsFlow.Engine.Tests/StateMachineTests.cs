using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>The transition tables are docs/product.md §4 exactly; these tests pin them so a change is deliberate.</summary>
public class StateMachineTests
{
    public static TheoryData<RunStatus, RunStatus> LegalRunMoves => new()
    {
        { RunStatus.Pending, RunStatus.Running },
        { RunStatus.Running, RunStatus.Succeeded },
        { RunStatus.Running, RunStatus.WaitingForApproval },
        { RunStatus.WaitingForApproval, RunStatus.Running },
        { RunStatus.Running, RunStatus.Paused },
        { RunStatus.Paused, RunStatus.Running },
        { RunStatus.Running, RunStatus.Failed },
        { RunStatus.Failed, RunStatus.RollingBack },
        { RunStatus.RollingBack, RunStatus.RolledBack },
        { RunStatus.RollingBack, RunStatus.Failed },
        { RunStatus.Failed, RunStatus.Running },
        { RunStatus.Pending, RunStatus.Cancelled },
        { RunStatus.Running, RunStatus.Cancelled },
        { RunStatus.Paused, RunStatus.Cancelled },
        { RunStatus.WaitingForApproval, RunStatus.Cancelled },
        { RunStatus.Failed, RunStatus.Cancelled },
    };

    [Theory]
    [MemberData(nameof(LegalRunMoves))]
    public void EnsureRun_LegalMove_DoesNotThrow(RunStatus from, RunStatus to) =>
        StateMachine.EnsureRun("r1", from, to);

    [Fact]
    public void RunTable_HasNoMoveBeyondTheLegalOnes()
    {
        var legal = LegalRunMoves.Select(row => ((RunStatus)row[0], (RunStatus)row[1])).ToHashSet();
        foreach (var from in Enum.GetValues<RunStatus>())
        {
            foreach (var to in Enum.GetValues<RunStatus>())
            {
                Assert.True(StateMachine.CanMove(from, to) == legal.Contains((from, to)), $"{from} → {to} legal={legal.Contains((from, to))}");
            }
        }
    }

    [Theory]
    [InlineData(RunStatus.Succeeded)]
    [InlineData(RunStatus.RolledBack)]
    [InlineData(RunStatus.Cancelled)]
    public void TerminalRunStates_NeverChange(RunStatus terminal)
    {
        Assert.True(StateMachine.IsTerminal(terminal));
        foreach (var to in Enum.GetValues<RunStatus>())
        {
            var error = Assert.Throws<IllegalTransitionException>(() => StateMachine.EnsureRun("r1", terminal, to));
            Assert.Contains($"{terminal} → {to}", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Failed_IsNotTerminal_BecauseAHumanMayRetryIt() =>
        Assert.False(StateMachine.IsTerminal(RunStatus.Failed));

    [Theory]
    [InlineData(StepStatus.Pending, StepStatus.Running, true)]
    [InlineData(StepStatus.Running, StepStatus.Succeeded, true)]
    [InlineData(StepStatus.Running, StepStatus.TimedOut, true)]
    [InlineData(StepStatus.Running, StepStatus.Waiting, true)]
    [InlineData(StepStatus.Waiting, StepStatus.Running, true)]
    [InlineData(StepStatus.Succeeded, StepStatus.Compensating, true)]
    [InlineData(StepStatus.Failed, StepStatus.Compensating, true)]
    [InlineData(StepStatus.TimedOut, StepStatus.Compensating, true)]
    [InlineData(StepStatus.Compensating, StepStatus.Compensated, true)]
    [InlineData(StepStatus.Compensating, StepStatus.CompensationFailed, true)]
    [InlineData(StepStatus.Succeeded, StepStatus.Running, false)]
    [InlineData(StepStatus.Skipped, StepStatus.Running, false)]
    [InlineData(StepStatus.Compensated, StepStatus.Succeeded, false)]
    [InlineData(StepStatus.Pending, StepStatus.Succeeded, false)]
    public void StepTable_AllowsOnlyPRODUCTMoves(StepStatus from, StepStatus to, bool legal) =>
        Assert.Equal(legal, StateMachine.CanMove(from, to));

    [Fact]
    public void EnsureStep_IllegalMove_ThrowsNamingRunStepAndMove()
    {
        var error = Assert.Throws<IllegalTransitionException>(() => StateMachine.EnsureStep("r9", "build", StepStatus.Succeeded, StepStatus.Running));
        Assert.Equal("Run r9, step 'build': illegal transition Succeeded → Running.", error.Message);
    }
}
