using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HistoryFailureIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_history_failures",
                table: "history",
                columns: new[] { "Step", "At" },
                filter: "\"ToStatus\" IN ('Failed', 'TimedOut')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_history_failures",
                table: "history");
        }
    }
}
