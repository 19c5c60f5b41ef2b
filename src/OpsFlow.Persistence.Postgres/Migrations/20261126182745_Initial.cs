using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsFlow.Persistence.Postgres.Migrations
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
                    conversationid = table.Column<string>(type: "text", nullable: false),
                    serviceurl = table.Column<string>(type: "text", nullable: false),
                    channelid = table.Column<string>(type: "text", nullable: false),
                    botid = table.Column<string>(type: "text", nullable: false),
                    botname = table.Column<string>(type: "text", nullable: true),
                    tenantid = table.Column<string>(type: "text", nullable: true),
                    conversationtype = table.Column<string>(type: "text", nullable: true),
                    updatedat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_conversations", x => x.conversationid);
                });

            migrationBuilder.CreateTable(
                name: "chat_inbox",
                columns: table => new
                {
                    key = table.Column<string>(type: "text", nullable: false),
                    json = table.Column<string>(type: "text", nullable: false),
                    receivedat = table.Column<long>(type: "bigint", nullable: false),
                    doneat = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_inbox", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "chat_run_cards",
                columns: table => new
                {
                    runid = table.Column<string>(type: "text", nullable: false),
                    conversationid = table.Column<string>(type: "text", nullable: false),
                    activityid = table.Column<string>(type: "text", nullable: true),
                    postedat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_run_cards", x => x.runid);
                });

            migrationBuilder.CreateTable(
                name: "definition_sources",
                columns: table => new
                {
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    workflow = table.Column<string>(type: "text", nullable: false),
                    entrypath = table.Column<string>(type: "text", nullable: false),
                    filesjson = table.Column<string>(type: "text", nullable: false),
                    savedat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_definition_sources", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "history",
                columns: table => new
                {
                    runid = table.Column<string>(type: "text", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    actor = table.Column<string>(type: "text", nullable: false),
                    step = table.Column<string>(type: "text", nullable: true),
                    fromstatus = table.Column<string>(type: "text", nullable: true),
                    tostatus = table.Column<string>(type: "text", nullable: true),
                    reason = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_history", x => new { x.runid, x.seq });
                });

            migrationBuilder.CreateTable(
                name: "locks",
                columns: table => new
                {
                    key = table.Column<string>(type: "text", nullable: false),
                    runid = table.Column<string>(type: "text", nullable: false),
                    acquiredat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_locks", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "run_leases",
                columns: table => new
                {
                    runid = table.Column<string>(type: "text", nullable: false),
                    holder = table.Column<string>(type: "text", nullable: false),
                    expiresat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_leases", x => x.runid);
                });

            migrationBuilder.CreateTable(
                name: "runs",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    workflow = table.Column<string>(type: "text", nullable: false),
                    workflowversion = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    parametersjson = table.Column<string>(type: "text", nullable: false),
                    requestedbyid = table.Column<string>(type: "text", nullable: false),
                    requestedbyname = table.Column<string>(type: "text", nullable: false),
                    trigger = table.Column<string>(type: "text", nullable: false),
                    lockkey = table.Column<string>(type: "text", nullable: true),
                    requestid = table.Column<string>(type: "text", nullable: true),
                    replyto = table.Column<string>(type: "text", nullable: true),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    startedat = table.Column<long>(type: "bigint", nullable: true),
                    endedat = table.Column<long>(type: "bigint", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    historyseq = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "step_logs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    runid = table.Column<string>(type: "text", nullable: false),
                    step = table.Column<string>(type: "text", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    level = table.Column<string>(type: "text", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_step_logs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "steps",
                columns: table => new
                {
                    runid = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    startedat = table.Column<long>(type: "bigint", nullable: true),
                    endedat = table.Column<long>(type: "bigint", nullable: true),
                    dueat = table.Column<long>(type: "bigint", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    outputsjson = table.Column<string>(type: "text", nullable: false),
                    votesjson = table.Column<string>(type: "text", nullable: false),
                    extensions = table.Column<int>(type: "integer", nullable: false),
                    escalated = table.Column<bool>(type: "boolean", nullable: false),
                    completedseq = table.Column<long>(type: "bigint", nullable: true),
                    progresspercent = table.Column<int>(type: "integer", nullable: true),
                    progresstext = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_steps", x => new { x.runid, x.name });
                });

            migrationBuilder.CreateIndex(
                name: "IX_chat_inbox_doneat_receivedat",
                table: "chat_inbox",
                columns: new[] { "doneat", "receivedat" });

            migrationBuilder.CreateIndex(
                name: "IX_definition_sources_workflow_savedat",
                table: "definition_sources",
                columns: new[] { "workflow", "savedat" });

            migrationBuilder.CreateIndex(
                name: "IX_run_leases_holder",
                table: "run_leases",
                column: "holder");

            migrationBuilder.CreateIndex(
                name: "IX_runs_endedat",
                table: "runs",
                column: "endedat");

            migrationBuilder.CreateIndex(
                name: "IX_runs_lockkey_status",
                table: "runs",
                columns: new[] { "lockkey", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_reports",
                table: "runs",
                columns: new[] { "createdat", "workflow", "status", "startedat", "endedat", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_requestid",
                table: "runs",
                column: "requestid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_runs_status",
                table: "runs",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "IX_runs_workflow_createdat",
                table: "runs",
                columns: new[] { "workflow", "createdat" });

            migrationBuilder.CreateIndex(
                name: "IX_step_logs_runid_step",
                table: "step_logs",
                columns: new[] { "runid", "step" });

            migrationBuilder.CreateIndex(
                name: "IX_steps_failed",
                table: "steps",
                column: "runid",
                filter: "status IN ('Failed', 'TimedOut')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "chat_conversations");

            migrationBuilder.DropTable(
                name: "chat_inbox");

            migrationBuilder.DropTable(
                name: "chat_run_cards");

            migrationBuilder.DropTable(
                name: "definition_sources");

            migrationBuilder.DropTable(
                name: "history");

            migrationBuilder.DropTable(
                name: "locks");

            migrationBuilder.DropTable(
                name: "run_leases");

            migrationBuilder.DropTable(
                name: "runs");

            migrationBuilder.DropTable(
                name: "step_logs");

            migrationBuilder.DropTable(
                name: "steps");
        }
    }
}
