using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PersonalChats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "approval_copies",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "text", nullable: false),
                    Round = table.Column<string>(type: "text", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ConversationId = table.Column<string>(type: "text", nullable: false),
                    ActivityId = table.Column<string>(type: "text", nullable: false),
                    PostedAt = table.Column<long>(type: "bigint", nullable: false),
                    ClosedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_copies", x => new { x.RunId, x.Round, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "chat_users",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    UserIdKey = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: true),
                    ObjectId = table.Column<string>(type: "text", nullable: true),
                    Upn = table.Column<string>(type: "text", nullable: true),
                    UpnKey = table.Column<string>(type: "text", nullable: true),
                    ServiceUrl = table.Column<string>(type: "text", nullable: false),
                    ChannelId = table.Column<string>(type: "text", nullable: false),
                    BotId = table.Column<string>(type: "text", nullable: false),
                    BotName = table.Column<string>(type: "text", nullable: true),
                    TenantId = table.Column<string>(type: "text", nullable: true),
                    PersonalConversationId = table.Column<string>(type: "text", nullable: true),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chat_users", x => x.UserId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_approval_copies_ClosedAt_RunId",
                table: "approval_copies",
                columns: new[] { "ClosedAt", "RunId" });

            migrationBuilder.CreateIndex(
                name: "IX_chat_users_ObjectId",
                table: "chat_users",
                column: "ObjectId");

            migrationBuilder.CreateIndex(
                name: "IX_chat_users_UpnKey",
                table: "chat_users",
                column: "UpnKey");

            migrationBuilder.CreateIndex(
                name: "IX_chat_users_UserIdKey",
                table: "chat_users",
                column: "UserIdKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approval_copies");

            migrationBuilder.DropTable(
                name: "chat_users");
        }
    }
}
