using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Reports;

/// <summary>One workflow's share of the manual work saved: its succeeded runs times the minutes its script declares.</summary>
public sealed record ManualWorkShare(string Workflow, int Runs, int MinutesPerRun)
{
    public int Minutes => Runs * MinutesPerRun;
}

/// <summary>
/// The seed's estimate of manual work saved (§8.3): for each workflow that declares how long the work takes a person
/// (<c>ManualMinutes</c> in its script), its succeeded runs times those minutes. An estimate, said as one.
/// </summary>
public sealed record ManualWork(IReadOnlyList<ManualWorkShare> Shares, IReadOnlyList<string> Undeclared)
{
    public static ManualWork None { get; } = new([], []);

    public int Minutes => Shares.Sum(s => s.Minutes);

    /// <param name="usage">Every workflow that ran in the period, not only the most used.</param>
    /// <param name="minutesOf">A workflow's declared minutes, or null.</param>
    public static ManualWork Of(IReadOnlyList<WorkflowUsage> usage, Func<string, int?> minutesOf)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(minutesOf);
        var shares = new List<ManualWorkShare>();
        var undeclared = new List<string>();
        foreach (var workflow in usage.Where(u => u.Succeeded > 0))
        {
            if (minutesOf(workflow.Workflow) is { } minutes)
            {
                shares.Add(new ManualWorkShare(workflow.Workflow, workflow.Succeeded, minutes));
            }
            else
            {
                undeclared.Add(workflow.Workflow);
            }
        }

        return new ManualWork([.. shares.OrderByDescending(s => s.Minutes).ThenBy(s => s.Workflow, StringComparer.Ordinal)], undeclared);
    }
}
