using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RunMailbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateIndex(
                name: "IX_run_mailbox_RunId_TakenBy",
                table: "run_mailbox",
                columns: new[] { "RunId", "TakenBy" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "run_mailbox");
        }
    }
}
