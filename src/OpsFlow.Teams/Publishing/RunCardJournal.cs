using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Ports;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// A first card's activity id, written to a local file the moment the connector answers its POST, before the database
/// save. An append the operating system keeps across a SIGKILL (there is no fsync: not across a power cut) takes no
/// database lock, where the save may wait behind other writers for hundreds of milliseconds under load. At start the
/// publisher saves the ids the previous process wrote but may not have saved (<see cref="RunCardPublisher"/>), then
/// empties the file. One file per host; no path: off.
/// </summary>
public sealed class RunCardJournal(string? path, ILogger<RunCardJournal> logger) : IDisposable
{
    /// <summary>Once every written id is saved, a file larger than this is emptied; it holds nothing needed any more.</summary>
    private const long ShrinkAbove = 64 * 1024;

    private readonly Lock _gate = new();
    private FileStream? _file;
    private int _unsaved;

    /// <summary>Appends the card; false when it could not (the save that follows still counts).</summary>
    public bool Write(RunCard card)
    {
        if (path is null || card.ActivityId is null)
        {
            return false;
        }

        var line = string.Join('\t', card.RunId, card.ConversationId, card.ActivityId, card.PostedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)) + "\n";
        try
        {
            lock (_gate)
            {
                _file ??= Open(path);
                _file.Write(Encoding.UTF8.GetBytes(line));
                _file.Flush();
                _unsaved++;
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PublishingLog.CardJournalFailed(logger, ex, path);
            return false;
        }
    }

    /// <summary>A card <see cref="Write"/> returned true for is in the database now.</summary>
    public void Saved()
    {
        lock (_gate)
        {
            _unsaved = Math.Max(0, _unsaved - 1);
            if (_unsaved == 0 && _file is { Length: > ShrinkAbove } file)
            {
                file.SetLength(0);
            }
        }
    }

    /// <summary>What the file holds; a line cut short by a kill in the middle of its write is skipped.</summary>
    public async Task<IReadOnlyList<RunCard>> ReadAsync(CancellationToken cancellationToken)
    {
        if (path is null || !File.Exists(path))
        {
            return [];
        }

        var cards = new List<RunCard>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (line.Split('\t') is [{ Length: > 0 } runId, { Length: > 0 } conversationId, { Length: > 0 } activityId, var ticks]
                && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var at)
                && at is >= 0 and <= 3_155_378_975_999_999_999)
            {
                cards.Add(new RunCard(runId, conversationId, activityId, new DateTimeOffset(at, TimeSpan.Zero)));
            }
        }

        return cards;
    }

    /// <summary>Empties the file once what it held is saved.</summary>
    public void Clear()
    {
        if (path is null)
        {
            return;
        }

        lock (_gate)
        {
            _file ??= Open(path);
            _file.SetLength(0);
            _unsaved = 0;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private static FileStream Open(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var file = new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Seek(0, SeekOrigin.End);
        return file;
    }
}
