using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// What every <see cref="IAuditLog"/> must do, run against each store by subclassing: the chain from the first entry,
/// the filters exactly as <see cref="AuditFilter"/> defines them, appends that race, and a verification that finds a
/// row someone changed or deleted behind the store's back (the subclass does that as an attacker would, in the store's
/// own storage).
/// </summary>
public abstract class AuditLogContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = RunStoreContractFixtures.T0;

    protected IAuditLog Log { get; private set; } = null!;

    public async Task InitializeAsync() => Log = await CreateLogAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IAuditLog> CreateLogAsync();

    /// <summary>Sets an entry's Detail where it is stored; with <paramref name="rehash"/> its Hash too, to fit the new content.</summary>
    protected abstract Task AlterDetailAsync(long seq, string detail, bool rehash = false);

    /// <summary>Deletes an entry where it is stored.</summary>
    protected abstract Task DeleteAsync(long seq);

    protected static AuditEvent Event(
        int minute, string action = "approve", string name = "Ada Lovelace", string[]? ids = null, AuditOutcome outcome = AuditOutcome.Done, string detail = "ok") =>
        new(T0.AddMinutes(minute), action, outcome, name, ids ?? ["29:ada", "0f1e-ada-oid", "ada@contoso.com"], "chat", "run-1", detail);

    [Fact]
    public async Task Append_OnAnEmptyLog_NumbersFromOneAndChainsFromGenesis()
    {
        await Log.AppendAsync(Event(0, "start"));
        await Log.AppendAsync(Event(1, "approve"));
        await Log.AppendAsync(Event(2, "cancel", outcome: AuditOutcome.Forbidden));

        var entries = await Log.QueryAsync(new AuditQuery());

        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Seq));
        Assert.True(entries[0].PreviousHash == AuditChain.Genesis, "the first entry names the genesis hash as the one before it");
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.True(entries[i].PreviousHash == entries[i - 1].Hash, $"entry {entries[i].Seq} names the hash of entry {entries[i - 1].Seq}");
        }

        Assert.All(entries, e => Assert.True(e.Hash == AuditChain.Hash(e.Seq, e.PreviousHash, e.Event), $"entry {e.Seq}'s hash covers its content"));
        Assert.Equal(["start", "approve", "cancel"], entries.Select(e => e.Event.Action));
        Assert.Equal(AuditOutcome.Forbidden, entries[2].Event.Outcome);
    }

    [Fact]
    public async Task ReadBack_KeepsEveryFieldToTheTick_SoTheEntryHashesAsWritten()
    {
        // A tick past the millisecond, an offset other than UTC, ids beyond ASCII and text that CSV and SQL must carry.
        var written = new AuditEvent(
            new DateTimeOffset(2026, 11, 26, 10, 15, 30, TimeSpan.FromHours(2)).AddTicks(1_234_567),
            "reject", AuditOutcome.Refused, "Émile \"the, reviewer\" Ørsted", ["29:émile", "ørsted@contoso.com"], "dashboard", "run-7",
            "step gate: too late,\nthe run had \"ended\"; it's 'Cancelled'");
        await Log.AppendAsync(written);

        var read = Assert.Single(await Log.QueryAsync(new AuditQuery()));

        Assert.True(read.Event.At.UtcTicks == written.At.UtcTicks, $"At read back as {read.Event.At:O}, written as {written.At:O}: the hash covers the ticks");
        Assert.Equal(written with { At = read.Event.At, ActorIds = read.Event.ActorIds }, read.Event);
        Assert.Equal(written.ActorIds, read.Event.ActorIds);
        Assert.True(read.Hash == AuditChain.Hash(read.Seq, read.PreviousHash, read.Event), "the entry as read back hashes to the hash stored with it");
        Assert.True((await Log.VerifyAsync()).Intact, "a log of one entry read back is intact");
    }

    [Fact]
    public async Task Query_EachFilter_GivesExactlyWhatAuditFilterMatches()
    {
        await Log.AppendAsync(Event(0, "start", "Ada Lovelace"));
        await Log.AppendAsync(Event(10, "approve", "Grace Hopper", ["29:grace", "grace@contoso.com"]));
        await Log.AppendAsync(Event(20, "Approve", "Ada Lovelace"));
        await Log.AppendAsync(Event(30, "sign-in", "Émile Ørsted", ["emile-oid", "émile@contoso.com"]));
        await Log.AppendAsync(Event(40, "cancel", "Yıldız Kaya", ["29:yildiz", "malice@contoso.com"], AuditOutcome.Forbidden));
        await Log.AppendAsync(Event(50, "approve", "alice", ["29:alice"]));
        await Log.AppendAsync(Event(60, "skip", "Ada Lovelace", detail: "late click"));
        var all = await Log.QueryAsync(new AuditQuery());
        Assert.Equal(7, all.Count);

        (string Case, AuditQuery Query, long[] Expected)[] cases =
        [
            ("no filter", new AuditQuery(), [1, 2, 3, 4, 5, 6, 7]),
            ("from, inclusive", new AuditQuery(From: T0.AddMinutes(20)), [3, 4, 5, 6, 7]),
            ("to, exclusive", new AuditQuery(To: T0.AddMinutes(20)), [1, 2]),
            ("from and to, another offset", new AuditQuery(From: T0.AddMinutes(10).ToOffset(TimeSpan.FromHours(-5)), To: T0.AddMinutes(40)), [2, 3, 4]),
            ("action, any case", new AuditQuery(Action: "APPROVE"), [2, 3, 6]),
            ("actor by name, any case", new AuditQuery(Actor: "ada lovelace"), [1, 3, 7]),
            ("actor by Entra object id", new AuditQuery(Actor: "0f1e-ada-oid"), [1, 3, 7]),
            ("actor by UPN, upper case", new AuditQuery(Actor: "GRACE@CONTOSO.COM"), [2]),
            ("actor: part of a name is not a name", new AuditQuery(Actor: "Ada"), []),
            ("actor beyond ASCII, other case", new AuditQuery(Actor: "ÉMILE ØRSTED"), [4]),
            ("actor: dotless ı is not I (ordinal case)", new AuditQuery(Actor: "YILDIZ KAYA"), []),
            ("actor: dotless ı as written", new AuditQuery(Actor: "yıldız kaya"), [5]),
            ("actor and action", new AuditQuery(Actor: "29:ada", Action: "approve"), [3]),
            ("after a seq", new AuditQuery(AfterSeq: 5), [6, 7]),
            ("limit, oldest first", new AuditQuery(Limit: 2), [1, 2]),
            ("newest first, limit", new AuditQuery(NewestFirst: true, Limit: 3), [7, 6, 5]),
            ("newest first before a seq", new AuditQuery(NewestFirst: true, BeforeSeq: 5, Limit: 2), [4, 3]),
            ("newest first, filtered", new AuditQuery(Actor: "Ada Lovelace", NewestFirst: true, Limit: 2), [7, 3]),
            ("action, limit", new AuditQuery(Action: "approve", Limit: 2), [2, 3]),
            ("an id that only contains the actor does not count towards the limit", new AuditQuery(Actor: "alice", Limit: 1), [6]),
            ("nothing but ids that contain the actor", new AuditQuery(Actor: "29:a", Limit: 1), []),
            ("nothing in the range", new AuditQuery(From: T0.AddDays(1)), []),
        ];

        foreach (var (name, query, expected) in cases)
        {
            var reference = (query.NewestFirst ? all.Reverse() : all).Where(e => AuditFilter.Matches(query, e)).Take(query.Limit).Select(e => e.Seq).ToArray();
            Assert.True(expected.SequenceEqual(reference), $"{name}: the case expects [{string.Join(", ", expected)}] but AuditFilter gives [{string.Join(", ", reference)}]");

            var found = (await Log.QueryAsync(query)).Select(e => e.Seq).ToArray();

            Assert.True(expected.SequenceEqual(found), $"{name}: expected [{string.Join(", ", expected)}], the store gave [{string.Join(", ", found)}]");
        }
    }

    [Fact]
    public async Task Append_FiftyAtOnce_NumbersOneToFiftyWithAnIntactChain()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => Log.AppendAsync(Event(i, detail: $"click {i}")))));

        var entries = await Log.QueryAsync(new AuditQuery(Limit: 100));
        var verification = await Log.VerifyAsync();

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(50, entries.Select(e => e.Event.Detail).Distinct().Count());
        Assert.True(verification.Intact, $"the chain broke at {verification.BrokenAt}: {verification.Problem}");
        Assert.Equal(50, verification.Checked);
    }

    [Fact]
    public async Task Verify_EmptyLog_IsIntact()
    {
        var verification = await Log.VerifyAsync();

        Assert.True(verification.Intact, $"an empty log broke at {verification.BrokenAt}: {verification.Problem}");
        Assert.Equal(0, verification.Checked);
    }

    [Fact]
    public async Task Verify_AfterARowWasAltered_NamesThatEntry()
    {
        await AppendAsync(5);
        Assert.True((await Log.VerifyAsync()).Intact, "the log is intact before it is tampered with");

        await AlterDetailAsync(3, "nothing happened here");
        var verification = await Log.VerifyAsync();

        Assert.False(verification.Intact, "an altered row must break the chain");
        Assert.Equal(3, verification.BrokenAt);
        Assert.Contains("entry 3 was altered", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(5, verification.Checked);
    }

    [Fact]
    public async Task Verify_AfterARowWasAlteredAndRehashed_NamesTheEntryAfterIt()
    {
        await AppendAsync(5);

        // The forger makes entry 3 consistent with itself; entry 4 still names its old hash.
        await AlterDetailAsync(3, "nothing happened here", rehash: true);
        var verification = await Log.VerifyAsync();

        Assert.Equal(4, verification.BrokenAt);
        Assert.Contains("entry 4 does not name the hash of entry 3", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterARowWasDeleted_NamesTheMissingEntry()
    {
        await AppendAsync(5);

        await DeleteAsync(3);
        var verification = await Log.VerifyAsync();

        Assert.False(verification.Intact, "a deleted row must break the chain");
        Assert.Equal(4, verification.BrokenAt);
        Assert.Contains("entry 3 is missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterTheFirstRowWasDeleted_SaysItIsMissing()
    {
        await AppendAsync(3);

        await DeleteAsync(1);
        var verification = await Log.VerifyAsync();

        Assert.Equal(2, verification.BrokenAt);
        Assert.Contains("entry 1 is missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ALongLog_FindsABreakPastTheFirstThousandEntries()
    {
        // Stores read the chain in pages; the break is in the second one.
        await Task.WhenAll(Enumerable.Range(0, 1_010).Select(i => Log.AppendAsync(Event(i % 60, detail: $"entry {i}"))));
        var intact = await Log.VerifyAsync();
        Assert.True(intact.Intact, $"the chain broke at {intact.BrokenAt}: {intact.Problem}");
        Assert.Equal(1_010, intact.Checked);

        await AlterDetailAsync(1_005, "rewritten");
        var verification = await Log.VerifyAsync();

        Assert.Equal(1_005, verification.BrokenAt);
    }

    private async Task AppendAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Log.AppendAsync(Event(i, detail: $"entry {i + 1}"));
        }
    }
}
