namespace OpsFlow.Bot.Tests.Reliability;

/// <summary>
/// The crash harness's workflow, as a .csx script the real host compiles: a fan-out (a, b), a fan-in that fails
/// its first attempt and is retried by a timer (c), an approval (gate), and a last step that fails on request so
/// the run rolls back through the compensations of a and b. Every body notes its start and end in a journal file.
/// </summary>
internal static class MixWorkflow
{
    public const string Script = """
        Workflow("mix", "fan-out, retry, approval and rollback, for the crash harness");
        var fail = Param<bool>("fail", "make the last step fail, so the run rolls back", defaultValue: false);
        var journal = Setting("journal")!;

        void Note(string line)
        {
            // Steps a and b append at the same moment. .NET writes at the end it found when it opened the file, not
            // with O_APPEND, so two appends could land on one offset and merge their lines ("start … end …": a CI run
            // of 6 December failed on one). One writer at a time in this host; a killed host is gone before the next.
            lock (JournalGate.Gate)
            {
                File.AppendAllText(journal, line + "\n");
            }
        }

        async Task Work(StepContext ctx, string name)
        {
            Note($"start {ctx.RunId} {name} {ctx.Attempt}");
            await Task.Delay(Random.Shared.Next(20, 200), ctx.CancellationToken);
            Note($"end {ctx.RunId} {name} {ctx.Attempt}");
        }

        var a = Step("a", ctx => Work(ctx, "a")).Compensate(ctx => { Note($"undo {ctx.RunId} a"); });
        var b = Step("b", ctx => Work(ctx, "b")).Compensate(ctx => { Note($"undo {ctx.RunId} b"); });
        var c = Step("c", async ctx =>
        {
            await Work(ctx, "c");
            if (ctx.Attempt == 1)
            {
                throw new InvalidOperationException("the first attempt fails on purpose");
            }
        }).After(a, b).Retry(3, TimeSpan.FromSeconds(1));
        var gate = Approval("gate").After(c).Approvers("role:ops-manager");
        Step("d", async ctx =>
        {
            await Work(ctx, "d");
            if (fail)
            {
                throw new InvalidOperationException("d fails on purpose: roll back");
            }
        }).After(gate);

        static class JournalGate
        {
            public static readonly object Gate = new();
        }
        """;
}
