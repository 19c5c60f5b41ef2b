using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsFlow.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StepProcessUse : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CpuMilliseconds",
                table: "steps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PeakMemoryBytes",
                table: "steps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CpuMilliseconds",
                table: "step_duration_rollup",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "CpuSteps",
                table: "step_duration_rollup",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CpuMilliseconds",
                table: "steps");

            migrationBuilder.DropColumn(
                name: "PeakMemoryBytes",
                table: "steps");

            migrationBuilder.DropColumn(
                name: "CpuMilliseconds",
                table: "step_duration_rollup");

            migrationBuilder.DropColumn(
                name: "CpuSteps",
                table: "step_duration_rollup");
        }
    }
}
