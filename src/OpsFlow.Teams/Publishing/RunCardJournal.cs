using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// A first card's activity id, written to a local file the moment the connector answers its POST, before the database
/// save. An append the operating system keeps across a SIGKILL (there is no fsync: not across a power cut) takes no
/// database lock, where the save may wait behind other writers for hundreds of milliseconds under load. At start the
/// publisher saves the ids the previous process wrote but may not have saved (<see cref="CardRecovery"/>), then
/// empties the file. One file per host; no path: off.
/// </summary>
/// <remarks>
/// Every conversation's loop appends here, so the file has one writer of its own: a loop that owns the stream and
/// takes appends from a channel. Its continuations run synchronously, so an append to an idle journal is written on
/// the caller's thread, with no hop through the thread pool inside the window a kill can catch
/// (docs/reliability.md, "The card window").
/// </remarks>
public sealed class RunCardJournal : IDisposable
{
    /// <summary>Once every written id is saved, a file larger than this is emptied; it holds nothing needed any more.</summary>
    private const long ShrinkAbove = 64 * 1024;

    private readonly string? _path;
    private readonly ILogger<RunCardJournal> _logger;
    private readonly Channel<Entry> _entries = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Task _writer;

    // The writer loop's own: nothing else touches them.
    private FileStream? _file;
    private int _unsaved;

    public RunCardJournal(string? path, ILogger<RunCardJournal> logger)
    {
        _path = path;
        _logger = logger;
        _writer = path is null ? Task.CompletedTask : WriteAllAsync(path);
    }

    /// <summary>Appends the card and flushes it to the operating system; false when it could not (the save that follows still counts).</summary>
    public async ValueTask<bool> WriteAsync(RunCard card, CancellationToken cancellationToken)
    {
        if (_path is null || card.ActivityId is null)
        {
            return false;
        }

        var line = string.Join('\t', card.RunId, card.ConversationId, card.ActivityId, card.PostedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)) + "\n";
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _entries.Writer.TryWrite(new Entry.Append(Encoding.UTF8.GetBytes(line), written))
            && await written.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A card <see cref="WriteAsync"/> returned true for is in the database now.</summary>
    public void Saved() => _entries.Writer.TryWrite(new Entry.Saved());

    /// <summary>What the file holds; a line cut short by a kill in the middle of its write is skipped.</summary>
    public async Task<IReadOnlyList<RunCard>> ReadAsync(CancellationToken cancellationToken)
    {
        if (_path is null || !File.Exists(_path))
        {
            return [];
        }

        var cards = new List<RunCard>();
        foreach (var line in await File.ReadAllLinesAsync(_path, cancellationToken))
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
    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            return;
        }

        var cleared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_entries.Writer.TryWrite(new Entry.Clear(cleared)), this);

        await cleared.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _entries.Writer.TryComplete();
        // The loop ends on the completion (synchronously, as a rule) and closes the file.
        _writer.GetAwaiter().GetResult();
    }

    /// <summary>The one writer; it ends when <see cref="Dispose"/> completes the channel, so it needs no token.</summary>
    private async Task WriteAllAsync(string path)
    {
        try
        {
            while (await _entries.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (_entries.Reader.TryRead(out var entry))
                {
                    Apply(path, entry);
                }
            }
        }
        finally
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void Apply(string path, Entry entry)
    {
        try
        {
            switch (entry)
            {
                case Entry.Append append:
                    _file ??= Open(path);
                    _file.Write(append.Line);
                    _file.Flush();
                    _unsaved++;
                    append.Written.TrySetResult(true);
                    break;
                case Entry.Saved:
                    _unsaved = Math.Max(0, _unsaved - 1);
                    if (_unsaved == 0 && _file is { Length: > ShrinkAbove } file)
                    {
                        file.SetLength(0);
                    }

                    break;
                case Entry.Clear clear:
                    _file ??= Open(path);
                    _file.SetLength(0);
                    _unsaved = 0;
                    clear.Cleared.TrySetResult();
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PublishingLog.CardJournalFailed(_logger, ex, path);
            (entry as Entry.Append)?.Written.TrySetResult(false);
            (entry as Entry.Clear)?.Cleared.TrySetException(ex);
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

    private abstract record Entry
    {
        public sealed record Append(byte[] Line, TaskCompletionSource<bool> Written) : Entry;

        public sealed record Saved : Entry;

        public sealed record Clear(TaskCompletionSource Cleared) : Entry;
    }
}
