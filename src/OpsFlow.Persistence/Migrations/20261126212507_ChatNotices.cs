using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ChatNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateIndex(
                name: "IX_chat_notices_ClaimedAt",
                table: "chat_notices",
                column: "ClaimedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "chat_notices");
        }
    }
}
