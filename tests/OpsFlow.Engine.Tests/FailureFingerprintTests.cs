using OpsFlow.Engine.Reports;

namespace OpsFlow.Engine.Tests;

public sealed class FailureFingerprintTests
{
    [Theory]
    [InlineData("connect to 10.0.0.7:5432 timed out after 00:00:30", "connect to #.#.#.#:# timed out after <time>")]
    [InlineData("run k3j8x9q2ab failed at 2026-12-02T10:15:00Z", "run <id> failed at <time>")]
    [InlineData("cannot open /srv/releases/v1.2/hello.dll: permission denied", "cannot open <path>: permission denied")]
    [InlineData("GET http://db.internal:8080/health?x=1 answered 503", "get http://db.internal<path> answered #")]
    [InlineData("container 3f2a9c1e-77b1-4c1e-9a7d-0c9e2b1f5a10 exited 137", "container <id> exited #")]
    [InlineData("  dotnet   publish exited 2 ", "dotnet publish exited #")]
    public void Normalise_DropsWhatChangesBetweenRuns(string error, string expected)
    {
        Assert.Equal(expected, FailureFingerprint.Normalise(error));
    }

    [Fact]
    public void Of_IsTheSameForTheSameFailureInAnotherRun_AndDiffersByStepOrError()
    {
        var one = FailureFingerprint.Of("deploy", "switch", "ln -s /srv/a/releases/42 exited 1: permission denied");
        var two = FailureFingerprint.Of("deploy", "switch", "ln -s /srv/b/releases/43 exited 1: permission denied");

        Assert.Equal(one, two);
        Assert.Equal(12, one.Length);
        Assert.NotEqual(one, FailureFingerprint.Of("deploy", "build", "ln -s /srv/a/releases/42 exited 1: permission denied"));
        Assert.NotEqual(one, FailureFingerprint.Of("deploy", "switch", "ln -s /srv/a/releases/42 exited 1: disk full"));
    }

    [Theory]
    [InlineData("attempt 3 of 3 failed: exit 2", "exit 2")]
    [InlineData("attempt 1 of 1 failed: timed out after 00:05:00; it may fail (ContinueOnError), the run goes on", "timed out after 00:05:00")]
    [InlineData("the condition threw: boom", "the condition threw: boom")]
    public void ErrorOf_TakesTheErrorOutOfTheHistoryReason(string reason, string error)
    {
        Assert.Equal(error, FailureFingerprint.ErrorOf(reason));
    }
}
