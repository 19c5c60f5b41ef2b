using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Postgres.Migrations
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
                    Key = table.Column<string>(type: "text", nullable: false),
                    RunId = table.Column<string>(type: "text", nullable: false),
                    Claimant = table.Column<string>(type: "text", nullable: false),
                    ClaimedAt = table.Column<long>(type: "bigint", nullable: false),
                    SentAt = table.Column<long>(type: "bigint", nullable: true)
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
