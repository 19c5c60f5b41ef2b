using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class HistoryTiers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ArchivedIn",
                table: "runs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_runs_ArchivedIn",
                table: "runs",
                column: "ArchivedIn");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_ArchivedIn",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "ArchivedIn",
                table: "runs");
        }
    }
}
