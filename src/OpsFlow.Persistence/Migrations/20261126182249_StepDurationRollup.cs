using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StepDurationRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            // The rollup of the history already here is built at the next start (StepDurationBackfill): its
            // buckets are computed in C#, not in SQL.
            migrationBuilder.InsertData(
                table: "pending_backfills",
                column: "Name",
                value: "step_duration_rollup");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pending_backfills");

            migrationBuilder.DropTable(
                name: "step_duration_rollup");
        }
    }
}
