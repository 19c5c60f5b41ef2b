#load ".opsflow/globals.csx"
#load "lib/format.csx"
// backup: a consistent copy of the OpsFlow SQLite database while the bot keeps using it, checked, then old
// copies pruned. Retention runs only after the new copy verified, so a bad backup never pushes out a good one;
// a copy that fails verification is deleted by the backup step's compensation and the run ends RolledBack.

Workflow("backup", "Back up the OpsFlow database, verify the copy and keep the newest ones");

var keep = Param<int>("keep", "how many backups to keep, the new one included", defaultValue: 7);

// keep=1 deletes every older backup: only an admin may ask for that, from chat, the API, the dashboard, the CLI or a schedule.
StartableBy("role:admin", when: "keep<2");

// Relative paths are resolved against the host's working folder, like the host's own connection string.
var database = Path.GetFullPath(Setting("backup:database", Path.Combine("data", "opsflow.db"))!);
var backups = Path.Combine(Path.GetFullPath(DataDirectory), "backups");

var backup = Step("backup", async ctx =>
{
    // The run's clock, not the machine's: names sort by time and tests can control them.
    var file = Path.Combine(backups, $"opsflow-{ctx.Clock.GetUtcNow():yyyyMMdd-HHmmss-fff}.db");
    var size = await ctx.BackupSqlite(database, file);
    ctx.SetOutput("file", file);
    ctx.SetOutput("bytes", size.ToString(CultureInfo.InvariantCulture));
    ctx.SetOutput("size", Bytes(size));
}).Timeout(TimeSpan.FromMinutes(30))
.Compensate(ctx =>
{
    if (ctx.Output("backup", "file") is { } file)
    {
        File.Delete(file);
        ctx.Log($"deleted the unverified copy {file}");
    }
});

var verify = Step("verify", async ctx =>
{
    var facts = await ctx.VerifySqlite(ctx.Output("backup", "file")!);
    if (!facts.IsIntact)
    {
        throw new InvalidDataException($"the copy failed its integrity check: {facts.Integrity}");
    }

    ctx.SetOutput("tables", facts.Tables.Count.ToString(CultureInfo.InvariantCulture));
    ctx.SetOutput("rows", facts.TotalRows.ToString(CultureInfo.InvariantCulture));
    ctx.SetOutput("detail", string.Join(", ", facts.Tables.Select(t => $"{t.Name}: {t.Rows}")));
}).After(backup);

Step("retention", ctx =>
{
    if (keep < 1)
    {
        throw new ArgumentOutOfRangeException(nameof(keep), keep, "keep must be at least 1: the new backup is always kept.");
    }

    // Names hold a sortable UTC time, so name order is age order; the file system's dates may be copied or touched.
    var old = Directory.EnumerateFiles(backups, "opsflow-*.db")
        .OrderByDescending(path => Path.GetFileName(path), StringComparer.Ordinal)
        .Skip(keep)
        .ToArray();
    foreach (var path in old)
    {
        File.Delete(path);
        ctx.Log($"deleted {Path.GetFileName(path)}");
    }

    ctx.SetOutput("deleted", old.Length.ToString(CultureInfo.InvariantCulture));
    ctx.Log($"kept the newest {keep}; deleted {old.Length}");
}).After(verify);
