using System.Globalization;

namespace OpsFlow.Bot.Tests.Cluster;

/// <summary>One execution of a step attempt, as the test workflow journals it: where, from when, until when.</summary>
public sealed record StepExecution(string RunId, string Step, int Attempt, int ProcessId, long StartTicks, long? EndTicks);

/// <summary>
/// The test workflow's journal: an empty file per event, named "ticks-start|end-run-step-attempt-pid", so two
/// processes and many steps write it at once without sharing a file.
/// </summary>
public static class StepJournal
{
    public const string Script = """
        Workflow("clustered", "four steps that journal where and when they run");

        var journal = Setting("clustered:journal")!;

        void Mark(StepContext ctx, string what) =>
            File.WriteAllText(Path.Combine(journal, $"{ctx.Clock.GetUtcNow().UtcTicks}-{what}-{ctx.RunId}-{ctx.StepName}-{ctx.Attempt}-{Environment.ProcessId}"), "");

        Func<StepContext, Task> Work(int milliseconds) => async ctx =>
        {
            Mark(ctx, "start");
            await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), ctx.Clock, ctx.CancellationToken);
            Mark(ctx, "end");
        };

        var prepare = Step("prepare", Work(300));
        var left = Step("left", Work(600)).After(prepare);
        var right = Step("right", Work(400)).After(prepare);
        Step("finish", Work(300)).After(left, right);
        """;

    public static IReadOnlyList<StepExecution> Read(string folder)
    {
        var events = Directory.GetFiles(folder).Select(Path.GetFileName).Select(name => name!.Split('-')).ToArray();
        var starts = events.Where(e => e[1] == "start");
        var ends = events.Where(e => e[1] == "end").ToDictionary(e => Key(e), e => long.Parse(e[0], CultureInfo.InvariantCulture));
        return starts
            .Select(e => new StepExecution(e[2], e[3], int.Parse(e[4], CultureInfo.InvariantCulture), int.Parse(e[5], CultureInfo.InvariantCulture),
                long.Parse(e[0], CultureInfo.InvariantCulture), ends.TryGetValue(Key(e), out var end) ? end : null))
            .OrderBy(e => e.StartTicks)
            .ToArray();
    }

    private static string Key(string[] e) => $"{e[2]}/{e[3]}/{e[4]}/{e[5]}";
}
