namespace OpsFlow.Persistence.Archive;

/// <summary>
/// Archived runs as the run store reads them. A page asks for a run, its steps and its history in turn, and a reader
/// polls its logs, so the last few runs read are kept: each is one pass over its month's file otherwise.
/// </summary>
internal sealed class ArchivedRuns(ArchiveFiles files)
{
    private const int Kept = 16;

    private readonly Lock _gate = new();
    private readonly LinkedList<(string File, ArchivedRunLine Run)> _recent = new();

    /// <exception cref="ArchiveDamagedException">The file cannot be used, or does not hold the run the database says it does.</exception>
    public async Task<ArchivedRunLine> GetAsync(string file, string runId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.File == file && node.Value.Run.Id == runId)
                {
                    _recent.Remove(node);
                    _recent.AddFirst(node);
                    return node.Value.Run;
                }
            }
        }

        var run = await files.FindAsync(file, runId, cancellationToken)
            ?? throw new ArchiveDamagedException(file, $"it does not hold run {runId}, which the database says it does");
        lock (_gate)
        {
            _recent.AddFirst((file, run));
            while (_recent.Count > Kept)
            {
                _recent.RemoveLast();
            }
        }

        return run;
    }

    /// <summary>Drops what was read from <paramref name="file"/> (deleted by the cold tier).</summary>
    public void Forget(string file)
    {
        lock (_gate)
        {
            for (var node = _recent.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.File == file)
                {
                    _recent.Remove(node);
                }

                node = next;
            }
        }
    }
}
