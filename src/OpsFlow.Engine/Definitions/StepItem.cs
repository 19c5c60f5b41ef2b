namespace OpsFlow.Engine.Definitions;

/// <summary>Where one item of a step that works over many (a node of a rolling deploy) stands.</summary>
public enum ItemStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    /// <summary>Not attempted: the step stopped after too many failures.</summary>
    Skipped,
    /// <summary>Rolled back by the step's compensation.</summary>
    Compensated,
    CompensationFailed,
    /// <summary>Failed before anything ran on it (down, host key refused): nothing to roll back.</summary>
    Unreachable,
}

/// <summary>
/// One item of a step that works over many (issue 22: a node), as the step reports it through
/// <see cref="StepContext.ReportItem"/>: shown collapsed on the card ("6 of 8 done, 1 failed") and one by one on the
/// dashboard, and read by the compensation so it undoes only what was changed.
/// </summary>
public sealed record StepItem(string Name, ItemStatus Status, string? Error = null)
{
    /// <summary>Items a step keeps; a step over more reports the first ones and says so in its log.</summary>
    public const int MaxPerStep = 1_000;

    /// <summary>Attempted, so possibly changed: what a compensation undoes.</summary>
    public bool Touched => Status is ItemStatus.Succeeded or ItemStatus.Failed or ItemStatus.Running;

    /// <summary>"6 of 8 done, 1 failed, 1 skipped": the card's one line for many items.</summary>
    public static string Summary(IReadOnlyList<StepItem> items)
    {
        var done = items.Count(i => i.Status == ItemStatus.Succeeded);
        var parts = new List<string> { $"{done} of {items.Count} done" };
        void Add(ItemStatus status, string word)
        {
            var count = items.Count(i => i.Status == status);
            if (count > 0)
            {
                parts.Add($"{count} {word}");
            }
        }

        Add(ItemStatus.Running, "running");
        Add(ItemStatus.Failed, "failed");
        Add(ItemStatus.Unreachable, "unreachable");
        Add(ItemStatus.Skipped, "skipped");
        Add(ItemStatus.Compensated, "rolled back");
        Add(ItemStatus.CompensationFailed, "failed to roll back");
        return string.Join(", ", parts);
    }
}
