using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_CreatedAt",
                table: "runs");

            migrationBuilder.CreateIndex(
                name: "IX_steps_failed",
                table: "steps",
                column: "RunId",
                filter: "\"Status\" IN ('Failed', 'TimedOut')");

            migrationBuilder.CreateIndex(
                name: "IX_runs_EndedAt",
                table: "runs",
                column: "EndedAt");

            migrationBuilder.CreateIndex(
                name: "IX_runs_reports",
                table: "runs",
                columns: new[] { "CreatedAt", "Workflow", "Status", "StartedAt", "EndedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_steps_failed",
                table: "steps");

            migrationBuilder.DropIndex(
                name: "IX_runs_EndedAt",
                table: "runs");

            migrationBuilder.DropIndex(
                name: "IX_runs_reports",
                table: "runs");

            migrationBuilder.CreateIndex(
                name: "IX_runs_CreatedAt",
                table: "runs",
                column: "CreatedAt");
        }
    }
}
