using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// The OpsFlow database. Times are stored as UTC ticks (INTEGER) so they sort and compare in SQL on every
/// provider; statuses as their names, so the database reads well in a shell.
/// </summary>
public sealed class OpsFlowDbContext(DbContextOptions<OpsFlowDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core's data-protection keys (the dashboard's sign-in cookies), shared by every host.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    internal DbSet<RunRow> Runs => Set<RunRow>();

    internal DbSet<StepRow> Steps => Set<StepRow>();

    internal DbSet<HistoryRow> History => Set<HistoryRow>();

    internal DbSet<NoticeDeliveryRow> NoticeDeliveries => Set<NoticeDeliveryRow>();

    internal DbSet<StepLogRow> StepLogs => Set<StepLogRow>();

    internal DbSet<LockRow> Locks => Set<LockRow>();

    internal DbSet<DefinitionSourceRow> DefinitionSources => Set<DefinitionSourceRow>();

    internal DbSet<ChatConversationRow> ChatConversations => Set<ChatConversationRow>();

    internal DbSet<ChatRunCardRow> ChatRunCards => Set<ChatRunCardRow>();

    internal DbSet<ChatInboxRow> ChatInbox => Set<ChatInboxRow>();

    internal DbSet<LeaseRow> Leases => Set<LeaseRow>();

    internal DbSet<RunLetterRow> Letters => Set<RunLetterRow>();

    internal DbSet<ChatNoticeRow> ChatNotices => Set<ChatNoticeRow>();

    internal DbSet<ChatUserRow> ChatUsers => Set<ChatUserRow>();

    internal DbSet<ApprovalCopyRow> ApprovalCopies => Set<ApprovalCopyRow>();

    internal DbSet<EmergencyStopRow> EmergencyStop => Set<EmergencyStopRow>();

    internal DbSet<StepDurationRollupRow> StepDurationRollup => Set<StepDurationRollupRow>();

    internal DbSet<PendingBackfillRow> PendingBackfills => Set<PendingBackfillRow>();

    internal DbSet<AuditRow> AuditLog => Set<AuditRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RunRow>(run =>
        {
            run.ToTable("runs");
            run.HasKey(r => r.Id);
            run.Property(r => r.Id).HasMaxLength(32);
            run.Property(r => r.Status).HasMaxLength(24);
            run.Property(r => r.Version).IsConcurrencyToken();
            run.HasIndex(r => r.RequestId).IsUnique();
            run.HasIndex(r => r.Status);
            // Reports read runs by creation time; every column they need is in this index, so a year of runs is
            // read from the index alone. It also serves the runs page, newest first.
            run.HasIndex(r => new { r.CreatedAt, r.Workflow, r.Status, r.StartedAt, r.EndedAt, r.Id }).HasDatabaseName("IX_runs_reports");
            // Retention finds the runs that ended long ago.
            run.HasIndex(r => r.EndedAt);
            run.HasIndex(r => new { r.Workflow, r.CreatedAt });
            run.HasIndex(r => new { r.LockKey, r.Status });
            // The cold tier deletes the runs of one archive file.
            run.HasIndex(r => r.ArchivedIn);
            run.Property(r => r.ArchivedIn).HasMaxLength(64);
        });
        modelBuilder.Entity<StepRow>(step =>
        {
            step.ToTable("steps");
            step.HasKey(s => new { s.RunId, s.Name });
            step.Property(s => s.Status).HasMaxLength(24);
            // Failure reports: a partial index holds only failed steps, so it costs nothing on the happy path.
            step.HasIndex(s => s.RunId).HasFilter("\"Status\" IN ('Failed', 'TimedOut')").HasDatabaseName("IX_steps_failed");
        });
        modelBuilder.Entity<HistoryRow>(entry =>
        {
            entry.ToTable("history");
            entry.HasKey(h => new { h.RunId, h.Seq });
            // Failure fingerprints read a step's past failures; only failure entries are indexed, so the happy path
            // (every other transition) pays nothing.
            entry.HasIndex(h => new { h.Step, h.At }).HasFilter("\"ToStatus\" IN ('Failed', 'TimedOut')").HasDatabaseName("IX_history_failures");
        });
        modelBuilder.Entity<StepLogRow>(line =>
        {
            line.ToTable("step_logs");
            line.HasKey(l => l.Id);
            line.HasIndex(l => new { l.RunId, l.Step });
        });
        modelBuilder.Entity<LockRow>(held =>
        {
            held.ToTable("locks");
            held.HasKey(l => l.Key);
        });
        modelBuilder.Entity<DefinitionSourceRow>(source =>
        {
            source.ToTable("definition_sources");
            source.HasKey(s => s.Version);
            source.Property(s => s.Version).HasMaxLength(64);
            source.HasIndex(s => new { s.Workflow, s.SavedAt });
        });
        modelBuilder.Entity<ChatConversationRow>(conversation =>
        {
            conversation.ToTable("chat_conversations");
            conversation.HasKey(c => c.ConversationId);
        });
        modelBuilder.Entity<ChatRunCardRow>(card =>
        {
            card.ToTable("chat_run_cards");
            card.HasKey(c => c.RunId);
        });
        modelBuilder.Entity<ChatInboxRow>(inbox =>
        {
            inbox.ToTable("chat_inbox");
            inbox.HasKey(i => i.Key);
            // Start-up replays what is not done; pruning deletes by age.
            inbox.HasIndex(i => new { i.DoneAt, i.ReceivedAt });
        });
        modelBuilder.Entity<LeaseRow>(lease =>
        {
            lease.ToTable("run_leases");
            lease.HasKey(l => l.RunId);
            // Renewal updates every lease of one host.
            lease.HasIndex(l => l.Holder);
        });
        modelBuilder.Entity<DataProtectionKey>(key => key.ToTable("data_protection_keys"));
        modelBuilder.Entity<ChatNoticeRow>(notice =>
        {
            notice.ToTable("chat_notices");
            notice.HasKey(n => n.Key);
            // Pruning deletes by age.
            notice.HasIndex(n => n.ClaimedAt);
        });
        modelBuilder.Entity<ChatUserRow>(user =>
        {
            user.ToTable("chat_users");
            user.HasKey(u => u.UserId);
            // Approvers are named by channel id, object id or UPN.
            user.HasIndex(u => u.UserIdKey);
            user.HasIndex(u => u.ObjectId);
            user.HasIndex(u => u.UpnKey);
        });
        modelBuilder.Entity<EmergencyStopRow>(stop =>
        {
            stop.ToTable("emergency_stop");
            stop.HasKey(s => s.Id);
            stop.Property(s => s.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<ApprovalCopyRow>(copy =>
        {
            copy.ToTable("approval_copies");
            copy.HasKey(c => new { c.RunId, c.Round, c.UserId });
            // The sweep looks for the runs whose copies are still open.
            copy.HasIndex(c => new { c.ClosedAt, c.RunId });
        });
        modelBuilder.Entity<NoticeDeliveryRow>(delivery =>
        {
            delivery.ToTable("notice_deliveries");
            delivery.HasKey(d => new { d.Key, d.Channel });
            delivery.Property(d => d.Level).HasMaxLength(16);
            // Each channel's sender looks for its due, unsent deliveries.
            delivery.HasIndex(d => new { d.Channel, d.SentAt, d.NextAt });
            delivery.HasIndex(d => d.CreatedAt);
        });
        modelBuilder.Entity<RunLetterRow>(letter =>
        {
            letter.ToTable("run_mailbox");
            letter.HasKey(l => l.Id);
            // The driving host looks for untaken letters of the runs it holds.
            letter.HasIndex(l => new { l.RunId, l.TakenBy });
        });
        modelBuilder.Entity<StepDurationRollupRow>(rollup =>
        {
            rollup.ToTable("step_duration_rollup");
            // Month first: a report reads a range of months and groups what it finds.
            rollup.HasKey(r => new { r.Month, r.Workflow, r.Step, r.Bucket });
        });
        modelBuilder.Entity<PendingBackfillRow>(pending =>
        {
            pending.ToTable("pending_backfills");
            pending.HasKey(p => p.Name);
        });
        modelBuilder.Entity<AuditRow>(audit =>
        {
            audit.ToTable("audit_log");
            audit.HasKey(a => a.Seq);
            // The store numbers entries itself (the chain covers the number); an identity column would number them too.
            audit.Property(a => a.Seq).ValueGeneratedNever();
            audit.Property(a => a.Action).HasMaxLength(64);
            audit.Property(a => a.Outcome).HasMaxLength(16);
            audit.Property(a => a.Via).HasMaxLength(32);
            audit.Property(a => a.PreviousHash).HasMaxLength(64);
            audit.Property(a => a.Hash).HasMaxLength(64);
            // The audit page and GET /api/audit read a time range, or one kind of action.
            audit.HasIndex(a => a.At);
            audit.HasIndex(a => a.Action);
            // The history tiers' pass copies the entries naming each run it archives into the run's archive line.
            audit.HasIndex(a => a.Target);
        });
    }
}
