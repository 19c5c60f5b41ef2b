using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// What an operator finds in a step log that was too long: its first lines, where it was cut, and how much was
/// dropped (docs/engine.md, "Step logs").
/// </summary>
public sealed class StepLogSinkTests
{
    private sealed class OneSecret(string value) : ISecretSource
    {
        public IReadOnlyCollection<string> Values => [value];

        public bool TryGet(string name, out string secret)
        {
            secret = value;
            return true;
        }
    }

    [Fact]
    public void Log_ALineLongerThanTheLimit_IsCutAndSaysHowLongItWas_AfterSecretsAreMasked()
    {
        const string secret = "s3cr3t-t0ken-value";
        var sink = new StepLogSink("r1", new EngineOptions { MaxLogLineLength = 300 }, new SecretMasker(new OneSecret(secret)), new FakeTimeProvider(), () => { });
        // The secret straddles the cut: cut first, its first half would be kept unmasked.
        var line = new string('a', 290) + secret + new string('b', 5_000);

        sink.Log("build", 1, "info", line);
        sink.Log("build", 1, "info", "short");
        var lines = sink.TakeLines().Select(l => l.Text).ToArray();

        Assert.Equal(new string('a', 290) + "***bbbbbbb… (line cut at 300 of 5,293 characters)", lines[0]);
        Assert.DoesNotContain("s3cr3t", lines[0], StringComparison.Ordinal);
        Assert.Equal("short", lines[1]);
    }

    [Fact]
    public void Log_PastTheLimit_KeepsTheFirstLinesAndSaysHowManyWereDropped()
    {
        var saves = 0;
        var sink = new StepLogSink("r1", new EngineOptions { MaxLogLinesPerAttempt = 3 }, new SecretMasker(NoSecrets.Instance), new FakeTimeProvider(), () => saves++);

        for (var i = 1; i <= 10; i++)
        {
            sink.Log("build", 1, "info", $"line {i}");
        }

        sink.Log("build", 2, "info", "the next attempt starts afresh");
        sink.AttemptEnded("build", 1);
        var lines = sink.TakeLines().Select(l => $"{l.Attempt} {l.Level} {l.Text}").ToArray();

        string[] expected =
        [
            "1 info line 1",
            "1 info line 2",
            "1 info line 3",
            "1 warning (log truncated after 3 lines; further lines of this attempt are dropped)",
            "2 info the next attempt starts afresh",
            "1 warning (6 more line(s) of this attempt were dropped)",
        ];
        Assert.True(expected.SequenceEqual(lines), $"the first lines, the cut, and the count at the end; got:\n{string.Join("\n", lines)}");
        Assert.True(saves == 1, $"one save is asked for until the lines are taken, not {saves}");
    }

    [Fact]
    public void AttemptEnded_LogWithinTheLimit_AddsNothing()
    {
        var sink = new StepLogSink("r1", new EngineOptions { MaxLogLinesPerAttempt = 3 }, new SecretMasker(NoSecrets.Instance), new FakeTimeProvider(), () => { });

        sink.Log("build", 1, "info", "one");
        sink.AttemptEnded("build", 1);

        Assert.True(sink.TakeLines().Count == 1, "a log that was not cut gets no closing line");
    }
}
