#load ".opsflow/globals.csx"
#load "lib/format.csx"
// backup: a consistent copy of the OpsFlow database (SQLite or PostgreSQL, whichever the host uses) while the bot
// keeps working, verified before it counts, encrypted and copied to a second place when OpsFlow:Backup says so
// (docs/backup.md); then old backups pruned. Retention runs only after the new backup is good, and never removes
// the last good one. A failed, cancelled or timed-out backup leaves no file behind. `opsflow restore <file>` puts
// one back.

Workflow("backup", "Back up the OpsFlow database, verify the copy and keep the newest ones");

var keep = Param<int>("keep", "how many backups to keep, the new one included", defaultValue: 7);

// keep=1 deletes every older backup: only an admin may ask for that, from chat, the API, the dashboard, the CLI or a schedule.
StartableBy("role:admin", when: "keep<2");

// By hand (copy, check, prune): about ten minutes. The reports count it per success.
ManualMinutes(10);

var backup = Step("backup", async ctx =>
{
    var made = await ctx.BackUpOpsFlow();
    ctx.SetOutput("file", made.File);
    ctx.SetOutput("bytes", made.Bytes);
    ctx.SetOutput("size", Bytes(made.Bytes));
    ctx.SetOutput("tables", made.Tables);
    ctx.SetOutput("rows", made.Rows);
    ctx.SetOutput("encrypted", made.Encrypted);
    if (made.Copy is { } copy)
    {
        ctx.SetOutput("copy", copy);
    }
}).Timeout(TimeSpan.FromMinutes(30));

Step("retention", async ctx =>
{
    var deleted = await ctx.PruneBackups(keep);
    ctx.SetOutput("deleted", deleted.Count);
}).After(backup);
