using Microsoft.EntityFrameworkCore.Migrations;
using OpsFlow.Engine.Ports;

#nullable disable

namespace OpsFlow.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "chat_conversations",
                columns: table => new
                {
                    ConversationId = table.Column<string>(type: "TEXT", nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", nullable: false),
                    ChannelId = table.Column<string>(type: "TEXT", nullable: false),
                    BotId = table.Column<string>(type: "TEXT", nullable: false),
                    BotName = table.Column<string>(type: "TEXT", nullable: true),
                    TenantId = table.Column<string>(type: "TEXT", nullable: true),
                    ConversationType = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_conversations", x => x.ConversationId);
                });

            migrationBuilder.CreateTable(
                name: "chat_inbox",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DoneAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_inbox", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "chat_notices",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    Claimant = table.Column<string>(type: "TEXT", nullable: false),
                    ClaimedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_notices", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "chat_run_cards",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", nullable: false),
                    ActivityId = table.Column<string>(type: "TEXT", nullable: true),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_run_cards", x => x.RunId);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_protection_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "definition_sources",
                columns: table => new
                {
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Workflow = table.Column<string>(type: "TEXT", nullable: false),
                    EntryPath = table.Column<string>(type: "TEXT", nullable: false),
                    FilesJson = table.Column<string>(type: "TEXT", nullable: false),
                    SavedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_definition_sources", x => x.Version);
                });

            migrationBuilder.CreateTable(
                name: "history",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    Seq = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: false),
                    Step = table.Column<string>(type: "TEXT", nullable: true),
                    FromStatus = table.Column<string>(type: "TEXT", nullable: true),
                    ToStatus = table.Column<string>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_history", x => new { x.RunId, x.Seq });
                });

            migrationBuilder.CreateTable(
                name: "locks",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    AcquiredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_locks", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "pending_backfills",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pending_backfills", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "run_leases",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    Holder = table.Column<string>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_leases", x => x.RunId);
                });

            migrationBuilder.CreateTable(
                name: "run_mailbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TakenBy = table.Column<string>(type: "TEXT", nullable: true),
                    Answer = table.Column<string>(type: "TEXT", nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_mailbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "runs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Workflow = table.Column<string>(type: "TEXT", nullable: false),
                    WorkflowVersion = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ParametersJson = table.Column<string>(type: "TEXT", nullable: false),
                    RequestedById = table.Column<string>(type: "TEXT", nullable: false),
                    RequestedByName = table.Column<string>(type: "TEXT", nullable: false),
                    RequestedByAliases = table.Column<string>(type: "TEXT", nullable: true),
                    Trigger = table.Column<string>(type: "TEXT", nullable: false),
                    LockKey = table.Column<string>(type: "TEXT", nullable: true),
                    RequestId = table.Column<string>(type: "TEXT", nullable: true),
                    ReplyTo = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    HistorySeq = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_runs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "step_duration_rollup",
                columns: table => new
                {
                    Month = table.Column<long>(type: "INTEGER", nullable: false),
                    Workflow = table.Column<string>(type: "TEXT", nullable: false),
                    Step = table.Column<string>(type: "TEXT", nullable: false),
                    Bucket = table.Column<int>(type: "INTEGER", nullable: false),
                    Steps = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<long>(type: "INTEGER", nullable: false),
                    Ticks = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_step_duration_rollup", x => new { x.Month, x.Workflow, x.Step, x.Bucket });
                });

            migrationBuilder.CreateTable(
                name: "step_logs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    Step = table.Column<string>(type: "TEXT", nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Level = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_step_logs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "steps",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    OutputsJson = table.Column<string>(type: "TEXT", nullable: false),
                    VotesJson = table.Column<string>(type: "TEXT", nullable: false),
                    Extensions = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalated = table.Column<bool>(type: "INTEGER", nullable: false),
                    CompletedSeq = table.Column<long>(type: "INTEGER", nullable: true),
                    ProgressPercent = table.Column<int>(type: "INTEGER", nullable: true),
                    ProgressText = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_steps", x => new { x.RunId, x.Name });
                });

            migrationBuilder.CreateIndex(
                name: "IX_chat_inbox_DoneAt_ReceivedAt",
                table: "chat_inbox",
                columns: new[] { "DoneAt", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_chat_notices_ClaimedAt",
                table: "chat_notices",
                column: "ClaimedAt");

            migrationBuilder.CreateIndex(
                name: "IX_definition_sources_Workflow_SavedAt",
                table: "definition_sources",
                columns: new[] { "Workflow", "SavedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_run_leases_Holder",
                table: "run_leases",
                column: "Holder");

            migrationBuilder.CreateIndex(
                name: "IX_run_mailbox_RunId_TakenBy",
                table: "run_mailbox",
                columns: new[] { "RunId", "TakenBy" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_EndedAt",
                table: "runs",
                column: "EndedAt");

            migrationBuilder.CreateIndex(
                name: "IX_runs_LockKey_Status",
                table: "runs",
                columns: new[] { "LockKey", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_RequestId",
                table: "runs",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_runs_Status",
                table: "runs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_runs_Workflow_CreatedAt",
                table: "runs",
                columns: new[] { "Workflow", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_reports",
                table: "runs",
                columns: new[] { "CreatedAt", "Workflow", "Status", "StartedAt", "EndedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_step_logs_RunId_Step",
                table: "step_logs",
                columns: new[] { "RunId", "Step" });

            migrationBuilder.CreateIndex(
                name: "IX_steps_failed",
                table: "steps",
                column: "RunId",
                filter: "\"Status\" IN ('Failed', 'TimedOut')");

            // The scheduler's tables (Quartz's job store) in the same database: this provider owns every table of it.
            SchedulerSchema.Create(migrationBuilder, SchedulerTables.Script(), OpsFlowDatabase.SchedulerTablePrefix);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            SchedulerSchema.Drop(migrationBuilder, SchedulerTables.Script(), OpsFlowDatabase.SchedulerTablePrefix);

            migrationBuilder.DropTable(
                name: "chat_conversations");

            migrationBuilder.DropTable(
                name: "chat_inbox");

            migrationBuilder.DropTable(
                name: "chat_notices");

            migrationBuilder.DropTable(
                name: "chat_run_cards");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "definition_sources");

            migrationBuilder.DropTable(
                name: "history");

            migrationBuilder.DropTable(
                name: "locks");

            migrationBuilder.DropTable(
                name: "pending_backfills");

            migrationBuilder.DropTable(
                name: "run_leases");

            migrationBuilder.DropTable(
                name: "run_mailbox");

            migrationBuilder.DropTable(
                name: "runs");

            migrationBuilder.DropTable(
                name: "step_duration_rollup");

            migrationBuilder.DropTable(
                name: "step_logs");

            migrationBuilder.DropTable(
                name: "steps");
        }
    }
}
