using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>
/// One step over many nodes (issue 22, item 3): rolling batches with a pause between them, a failure budget, each
/// node's state reported as a step item (the card shows "web: 6 of 8 done, 1 failed", the dashboard each node), and a
/// compensation that undoes only the nodes that were touched.
/// </summary>
public static class RolloutHelpers
{
    /// <summary>
    /// Runs <paramref name="action"/> on <paramref name="nodes"/>, <paramref name="batchSize"/> at a time (a batch runs
    /// at once), waiting <paramref name="pause"/> between batches. A node whose action throws is marked failed and the
    /// rollout goes on while at most <paramref name="maxFailures"/> failed; one more stops it: the nodes not reached
    /// are marked skipped and the step fails (not retried: a retry of the step goes on with the nodes not done). With
    /// failures within the budget the step succeeds with a warning finding. A node done in an earlier attempt of the
    /// step is not run again.
    /// </summary>
    public static async Task ForEachNode(this StepContext ctx, IReadOnlyList<Node> nodes, Func<Node, Task> action, int batchSize = 1, TimeSpan? pause = null, int maxFailures = 0)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFailures);
        if (nodes.GroupBy(n => n.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new StepFailedException($"node '{twice.Key}' is listed twice; a rollout touches each node once", retry: false);
        }

        var done = ctx.Items.Where(i => i.Status == ItemStatus.Succeeded).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var todo = nodes.Where(n => !done.Contains(n.Name)).ToArray();
        if (done.Count > 0)
        {
            ctx.Log($"{done.Count} node(s) done in an earlier attempt are left as they are: {string.Join(", ", nodes.Where(n => done.Contains(n.Name)))}");
        }

        foreach (var node in todo)
        {
            ctx.ReportItem(node.Name, ItemStatus.Pending);
        }

        var batches = todo.Chunk(batchSize).ToArray();
        var failed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        for (var b = 0; b < batches.Length; b++)
        {
            if (b > 0 && pause is { } wait && wait > TimeSpan.Zero)
            {
                ctx.Log($"waiting {wait} before batch {b + 1} of {batches.Length}");
                await Task.Delay(wait, ctx.Clock, ctx.CancellationToken);
            }

            var batch = batches[b];
            ctx.Progress(100 * (done.Count + todo.Take(b * batchSize).Count()) / Math.Max(1, nodes.Count), $"batch {b + 1} of {batches.Length}: {string.Join(", ", batch.Select(n => n.Name))}");
            await Task.WhenAll(batch.Select(node => RunOneAsync(ctx, node, action, failed)));
            if (failed.Count > maxFailures)
            {
                var untouched = batches.Skip(b + 1).SelectMany(x => x).ToArray();
                foreach (var node in untouched)
                {
                    ctx.ReportItem(node.Name, ItemStatus.Skipped);
                }

                throw new StepFailedException(
                    $"{failed.Count} of {nodes.Count} nodes failed ({string.Join(", ", failed)}), more than the {maxFailures} allowed; "
                    + (untouched.Length == 0 ? "every node was reached" : $"{untouched.Length} node(s) were not touched: {string.Join(", ", untouched.Select(n => n.Name))}"),
                    retry: false);
            }
        }

        if (!failed.IsEmpty)
        {
            ctx.Finding(FindingLevel.Warning, $"{failed.Count} of {nodes.Count} nodes failed ({string.Join(", ", failed)}), within the {maxFailures} allowed");
        }
    }

    /// <summary>
    /// For a compensation: runs <paramref name="undo"/> on the nodes the step touched (done or failed, not skipped or
    /// never reached), last first, each reported rolled back or not. Fails the compensation if any undo failed, after
    /// trying every node.
    /// </summary>
    public static async Task ForEachTouchedNode(this StepContext ctx, IReadOnlyList<Node> nodes, Func<Node, Task> undo)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(undo);
        var touched = ctx.Items.Where(i => i.Touched).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var failures = new List<string>();
        var undone = 0;
        foreach (var node in nodes.Reverse().Where(n => touched.Contains(n.Name)))
        {
            try
            {
                await undo(node);
                ctx.ReportItem(node.Name, ItemStatus.Compensated);
                undone++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ctx.CancellationToken.IsCancellationRequested)
            {
                ctx.ReportItem(node.Name, ItemStatus.CompensationFailed, ex.Message);
                ctx.LogError($"[{node.Name}] rolling back failed: {ex.Message}");
                failures.Add(node.Name);
            }
        }

        ctx.Log($"rolled back {undone} node(s); {nodes.Count - touched.Count} were never touched and are left alone");
        if (failures.Count > 0)
        {
            throw new StepFailedException($"rolling back failed on {string.Join(", ", failures)}", retry: false);
        }
    }

    private static async Task RunOneAsync(StepContext ctx, Node node, Func<Node, Task> action, System.Collections.Concurrent.ConcurrentQueue<string> failed)
    {
        ctx.ReportItem(node.Name, ItemStatus.Running);
        // Set here, seen by the Ssh and Upload calls of this node's action only (an async local flows down, not back).
        var reach = NodeReach.Begin(node.Name);
        try
        {
            await action(node);
            ctx.ReportItem(node.Name, ItemStatus.Succeeded);
        }
        catch (OperationCanceledException) when (ctx.CancellationToken.IsCancellationRequested)
        {
            ctx.ReportItem(node.Name, ItemStatus.Failed, "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            failed.Enqueue(node.Name);
            // Unreachable before anything ran there: nothing changed, so its rollback must not try (and fail) to reach it.
            ctx.ReportItem(node.Name, ex is NodeUnreachableException && !reach.Reached ? ItemStatus.Unreachable : ItemStatus.Failed, ex.Message);
            ctx.LogError($"[{node.Name}] {ex.Message}");
        }
    }
}

/// <summary>
/// Whether the action of one node in a rollout reached it: a command ran (whatever it answered) or a file went over.
/// A node never reached is unreachable, not failed (<see cref="ItemStatus.Unreachable"/>).
/// </summary>
internal sealed class NodeReach
{
    private static readonly AsyncLocal<NodeReach?> Current = new();
    private readonly string _node;
    private volatile bool _reached;

    private NodeReach(string node) => _node = node;

    public bool Reached => _reached;

    /// <summary>True inside the action of one node of a rollout.</summary>
    public static bool InRollout => Current.Value is not null;

    /// <summary>"[web-1] " inside a node's action, so its log lines say which node they are about; "" elsewhere.</summary>
    public static string LogPrefix => Current.Value is { } reach ? $"[{reach._node}] " : "";

    public static NodeReach Begin(string node) => Current.Value = new NodeReach(node);

    /// <summary>Records that <paramref name="node"/> was reached, when it is the node whose action is running.</summary>
    public static void Mark(Node node)
    {
        if (Current.Value is { } reach && string.Equals(reach._node, node.Name, StringComparison.Ordinal))
        {
            reach._reached = true;
        }
    }
}
