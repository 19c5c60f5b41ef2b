using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// A random history of step rows over three months, from a seed: steps that fail and run again, compensations that
/// end a step a second time, steps that never start, and changes that say (or not) what they replace. The same
/// plan is played into several stores so that their reports can be compared.
/// </summary>
internal sealed class RandomStepHistory
{
    public static readonly DateTimeOffset Start = new(2026, 9, 20, 0, 0, 0, TimeSpan.Zero);

    private readonly List<(NewRun Run, List<(StepRecord Next, StepRecord Saved, bool Say)> Changes)> _runs = [];

    public RandomStepHistory(int seed, int runs)
    {
        var random = new Random(seed);
        for (var i = 0; i < runs; i++)
        {
            var id = $"run-{i:000}";
            var at = Start.AddMinutes(random.Next(80 * 24 * 60));
            var run = ReportHistory.Run(id, $"w{random.Next(4)}", at);
            var steps = Enumerable.Range(0, 1 + random.Next(4))
                .Select(p => new StepRecord { RunId = id, Name = $"s{p}", Position = p, Status = StepStatus.Pending })
                .ToArray();
            var changes = new List<(StepRecord, StepRecord, bool)>();
            var clock = at;
            foreach (var pending in steps.Take(1 + random.Next(steps.Length)))
            {
                var saved = pending;
                void Move(StepRecord next)
                {
                    changes.Add((next, saved, random.Next(2) == 0));
                    saved = next;
                }

                var attempts = random.Next(4) == 0 ? 2 : 1;
                for (var attempt = 1; attempt <= attempts; attempt++)
                {
                    var started = clock;
                    clock += Duration(random);
                    Move(pending with { Status = StepStatus.Running, Attempt = attempt, StartedAt = started });
                    Move(pending with { Status = attempt < attempts ? StepStatus.Failed : StepStatus.Succeeded, Attempt = attempt, StartedAt = started, EndedAt = clock });
                }

                if (random.Next(6) == 0)
                {
                    clock += Duration(random);
                    Move(saved with { Status = StepStatus.Compensating, EndedAt = null });
                    Move(saved with { Status = StepStatus.Compensated, EndedAt = clock });
                }
            }

            _runs.Add((new NewRun(run, steps, new HistoryEntry(id, 1, at, HistoryKind.Run, "alice", null, null, "Pending", "requested")), changes));
        }
    }

    /// <summary>Every run as it ends: what a database written before the rollup existed holds.</summary>
    public IEnumerable<(RunRecord Run, IReadOnlyList<StepRecord> Steps)> Final => _runs.Select(r =>
    {
        var last = r.Changes.GroupBy(c => c.Next.Name).ToDictionary(g => g.Key, g => g.Last().Next);
        return (r.Run.Run with { Status = RunStatus.Running }, (IReadOnlyList<StepRecord>)r.Run.Steps.Select(s => last.GetValueOrDefault(s.Name, s)).ToArray());
    });

    /// <summary>Plays the plan into a store: one save per step transition, as the engine makes them.</summary>
    public async Task PlayAsync(IRunStore store)
    {
        foreach (var (made, changes) in _runs)
        {
            await store.CreateRunAsync(made);
            var version = made.Run.Version;
            foreach (var (next, saved, say) in changes)
            {
                await store.SaveAsync(new RunChange(made.Run with { Status = RunStatus.Running, Version = version + 1 }, version)
                {
                    Steps = [next],
                    SavedSteps = say ? [saved] : null,
                });
                version++;
            }
        }
    }

    /// <summary>From a millisecond to ten minutes, spread evenly on a log scale.</summary>
    private static TimeSpan Duration(Random random) =>
        TimeSpan.FromTicks((long)Math.Exp(Math.Log(TimeSpan.TicksPerMillisecond) + (random.NextDouble() * Math.Log(600_000))));
}
