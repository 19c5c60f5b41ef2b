using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Chat;
using OpsFlow.Engine.Model;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>Approvers in person: each reachable approver gets the run's card in their 1:1 chat, drawn again when the approval is decided.</summary>
public sealed class ApprovalCopiesTests
{
    private readonly PublisherHarness _h = new();
    private readonly InMemoryPersonalChats _people = new();

    private ApprovalCopies NewCopies() => new(
        new RunCardSource(_h.Store, _h.Catalog, new RunDurationEstimates(_h.Store, _h.Clock, NullLogger<RunDurationEstimates>.Instance), _h.Options, _h.Clock, NullLogger<RunCardSource>.Instance),
        _h.Store,
        _people,
        _h.Chats,
        _h.Connector,
        new ActorDirectory(_h.Access),
        _h.Clock,
        NullLogger<ApprovalCopies>.Instance);

    private static ChatUser Person(string id, string name, string? upn = null, string? personal = null) =>
        new(id, name, null, upn, "http://localhost:56150/_connector", "msteams", "bot-id", "OpsFlow", "tenant", personal, PublisherHarness.T0);

    /// <summary>Megan is an ops manager by UPN and has talked to the bot in person; Adele (user-id-2) only in the group chat; Alex asked for the run.</summary>
    private async Task<ApprovalCopies> WaitingForApprovalAsync()
    {
        await _people.SaveUserAsync(Person("29:megan", "Megan Bowen", upn: "megan@contoso.com", personal: "a:megan-1on1"));
        await _people.SaveUserAsync(Person("user-id-2", "Adele Vance"));
        await _people.SaveUserAsync(Person("user-id-0", "Alex Wilber"));
        await _h.ConversationAsync("conv-1");
        await _h.CreateRunAsync("r-1", "conv-1");
        await _h.SetStatusAsync("r-1", RunStatus.Running);
        await _h.ChangeAsync("r-1", r => r with { Status = RunStatus.WaitingForApproval },
            ("build", s => s with { Status = StepStatus.Succeeded, Attempt = 1, CompletedSeq = 1 }),
            ("prod-approval", s => s with { Status = StepStatus.Waiting, StartedAt = _h.Clock.GetUtcNow(), DueAt = _h.Clock.GetUtcNow().AddHours(2) }));
        var copies = NewCopies();
        await copies.SyncAsync("r-1", CancellationToken.None);
        return copies;
    }

    private ConnectorCall[] Calls(string kind) => [.. _h.Connector.Calls.Where(c => c.Kind == kind)];

    private static bool HasButton(ConnectorCall call, string title) =>
        System.Text.Json.JsonSerializer.Serialize(call.Activity, OpsFlow.Teams.Protocol.ProtocolJson.Options).Contains($"\"title\":\"{title}\"", StringComparison.Ordinal);

    [Fact]
    public async Task AWaitingApproval_PostsACopyToEachReachableApprover_InTheir1on1_WithTheButtons_ButNotToTheRequesterOrStrangers()
    {
        await WaitingForApprovalAsync();

        var sent = Calls("Send");
        Assert.True(
            sent.Select(c => c.ConversationId).Order().SequenceEqual(["a:megan-1on1", "personal-user-id-2"]),
            $"Megan (by UPN) in her 1:1, Adele in the 1:1 the bot opened; not the requester, nor the tech lead it never met: {string.Join(", ", sent.Select(c => c.ConversationId))}");
        Assert.Equal(["personal-user-id-2"], Calls("Create").Select(c => c.ConversationId));
        Assert.All(sent, c => Assert.True(HasButton(c, "Approve") && HasButton(c, "Reject"), "each copy carries the approval buttons"));
        Assert.Equal("personal-user-id-2", (await _people.FindUserAsync(ChatNameKind.UserId, "user-id-2"))?.PersonalConversationId);
    }

    [Fact]
    public async Task ADecision_MadeAnywhere_RedrawsEveryCopyWithoutButtons_ClosesThem_AndNothingIsPostedTwice()
    {
        var copies = await WaitingForApprovalAsync();
        await _h.ChangeAsync("r-1", r => r with { Status = RunStatus.Running }, ("prod-approval", s => s with
        {
            Status = StepStatus.Succeeded,
            EndedAt = _h.Clock.GetUtcNow(),
            Votes = [new ApprovalVote("29:megan", "Megan Bowen", true, null, _h.Clock.GetUtcNow())],
        }));

        await copies.SyncAsync("r-1", CancellationToken.None);
        await NewCopies().SyncAsync("r-1", CancellationToken.None);

        var updates = Calls("Update");
        Assert.True(
            updates.Select(c => c.ConversationId).Order().SequenceEqual(["a:megan-1on1", "personal-user-id-2"]),
            $"each copy is drawn again once, after the decision: {string.Join(", ", updates.Select(c => c.ConversationId))}");
        Assert.All(updates, c => Assert.False(HasButton(c, "Approve"), "a decided approval shows no buttons"));
        Assert.Equal(2, Calls("Send").Length);
        Assert.All(await _people.GetCopiesAsync("r-1"), c => Assert.NotNull(c.ClosedAt));
        Assert.Empty(await _people.GetRunsWithOpenCopiesAsync(10));
    }

    [Fact]
    public async Task AVoteWhileTheApprovalStillWaits_RedrawsTheCopies_AndAnUnchangedStepDoesNot()
    {
        var copies = await WaitingForApprovalAsync();
        await copies.SyncAsync("r-1", CancellationToken.None);
        Assert.Empty(Calls("Update"));

        await _h.ChangeAsync("r-1", r => r, ("prod-approval", s => s with { Extensions = 1, DueAt = s.DueAt!.Value.AddHours(1) }));
        await copies.SyncAsync("r-1", CancellationToken.None);

        Assert.Equal(2, Calls("Update").Length);
        Assert.Equal(["r-1"], await _people.GetRunsWithOpenCopiesAsync(10));
    }

    [Fact]
    public async Task AnApproverWhoVotedAlready_OrWhoTheConnectorCannotReach_GetsNoCopy_AndTheUnreachableOneIsNotRetriedAtOnce()
    {
        await _people.SaveUserAsync(Person("user-id-2", "Adele Vance"));
        await _h.ConversationAsync("conv-1");
        await _h.CreateRunAsync("r-1", "conv-1");
        await _h.ChangeAsync("r-1", r => r with { Status = RunStatus.WaitingForApproval }, ("prod-approval", s => s with
        {
            Status = StepStatus.Waiting,
            StartedAt = _h.Clock.GetUtcNow(),
            Votes = [new ApprovalVote("29:megan", "Megan Bowen", true, null, _h.Clock.GetUtcNow()) { ActorIds = ["29:megan", "megan@contoso.com"] }],
        }));
        await _people.SaveUserAsync(Person("29:megan", "Megan Bowen", upn: "megan@contoso.com", personal: "a:megan-1on1"));
        _h.Connector.OnCall = kind => throw new OpsFlow.Teams.Connector.ConnectorException("Forbidden: the bot is not installed for this user", 403);
        var copies = NewCopies();

        await copies.SyncAsync("r-1", CancellationToken.None);
        _h.Connector.OnCall = null;
        await copies.SyncAsync("r-1", CancellationToken.None);
        Assert.Empty(Calls("Send"));

        _h.Clock.Advance(ApprovalCopyWriter.UnreachableRetry);
        await copies.SyncAsync("r-1", CancellationToken.None);
        Assert.Equal(["personal-user-id-2"], Calls("Send").Select(c => c.ConversationId));
    }
}
