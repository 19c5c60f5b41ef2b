using OpsFlow.Chat;

namespace OpsFlow.Persistence.Tests;

/// <summary>What every <see cref="IPersonalChats"/> must do: find people by the kind of name configuration uses, forget nothing an activity leaves out, keep each copy once.</summary>
public abstract class PersonalChatsContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    protected IPersonalChats People { get; private set; } = null!;

    public async Task InitializeAsync() => People = await CreateAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IPersonalChats> CreateAsync();

    private static ChatUser Megan(DateTimeOffset at, string? upn = null, string? objectId = null, string? personal = null) =>
        new("29:megan", "Megan Bowen", objectId, upn, "https://smba.example/emea/", "msteams", "28:bot", "OpsFlow", "tenant-1", personal, at);

    [Fact]
    public async Task FindUser_ByEachKindOfName_IgnoringCase_AndOnlyByThatKind()
    {
        await People.SaveUserAsync(Megan(T0, upn: "Megan@Contoso.com", objectId: "6F1E2D3C-0000-4000-8000-000000000001"));

        Assert.Equal("29:megan", (await People.FindUserAsync(ChatNameKind.UserId, "29:MEGAN"))?.UserId);
        Assert.Equal("29:megan", (await People.FindUserAsync(ChatNameKind.Upn, "megan@contoso.com"))?.UserId);
        Assert.Equal("29:megan", (await People.FindUserAsync(ChatNameKind.ObjectId, "6f1e2d3c-0000-4000-8000-000000000001"))?.UserId);
        Assert.Null(await People.FindUserAsync(ChatNameKind.UserId, "megan@contoso.com"));
        Assert.Null(await People.FindUserAsync(ChatNameKind.Upn, "29:megan"));
        Assert.Null(await People.FindUserAsync(ChatNameKind.UserId, "29:adele"));
    }

    [Fact]
    public async Task SaveUser_WithoutTheUpnOrThe1on1Chat_KeepsWhatWasKnown()
    {
        await People.SaveUserAsync(Megan(T0, upn: "megan@contoso.com", personal: "a:1on1-megan"));
        await People.SaveUserAsync(Megan(T0.AddHours(1)) with { ServiceUrl = "https://smba.example/amer/" });

        var megan = await People.FindUserAsync(ChatNameKind.UserId, "29:megan");

        Assert.NotNull(megan);
        Assert.Equal(("megan@contoso.com", "a:1on1-megan", "https://smba.example/amer/"), (megan.Upn, megan.PersonalConversationId, megan.ServiceUrl));
        Assert.Equal(T0.AddHours(1), megan.UpdatedAt);
        Assert.Equal("a:1on1-megan", megan.Personal().ConversationId);
    }

    [Fact]
    public async Task Copies_AreKeptPerRunRoundAndUser_AndClosedOnes_LeaveTheOpenList()
    {
        await People.SaveCopyAsync(new ApprovalCopy("r1", "prod-approval|1", "29:megan", "a:1on1-megan", "act-1", T0));
        await People.SaveCopyAsync(new ApprovalCopy("r1", "prod-approval|1", "29:adele", "a:1on1-adele", "act-2", T0.AddSeconds(1)));
        await People.SaveCopyAsync(new ApprovalCopy("r2", "prod-approval|1", "29:megan", "a:1on1-megan", "act-3", T0.AddSeconds(2)));
        await People.SaveCopyAsync(new ApprovalCopy("r1", "prod-approval|1", "29:megan", "a:1on1-megan", "act-1b", T0.AddSeconds(3)));

        await People.CloseCopyAsync("r2", "prod-approval|1", "29:megan", T0.AddMinutes(1));

        var copies = await People.GetCopiesAsync("r1");
        Assert.Equal([("29:adele", "act-2"), ("29:megan", "act-1b")], copies.Select(c => (c.UserId, c.ActivityId)));
        Assert.Equal(["r1"], await People.GetRunsWithOpenCopiesAsync(10));
        Assert.Equal(T0.AddMinutes(1), Assert.Single(await People.GetCopiesAsync("r2")).ClosedAt);
    }
}

public sealed class InMemoryPersonalChatsTests : PersonalChatsContract
{
    protected override Task<IPersonalChats> CreateAsync() => Task.FromResult<IPersonalChats>(new InMemoryPersonalChats());
}

public sealed class SqlitePersonalChatsTests : PersonalChatsContract
{
    private SqliteDatabase? _database;

    protected override async Task<IPersonalChats> CreateAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return _database.People;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresPersonalChatsTests : PersonalChatsContract
{
    private PostgresDatabase? _database;

    protected override async Task<IPersonalChats> CreateAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return _database.People;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}
