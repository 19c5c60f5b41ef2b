#load ".opsflow/globals.csx"
#load "lib/format.csx"
// fleet-inspect: disk, memory and load of every node with a tag, over SSH, read in one command per node. Each node's
// figures are findings ("web-1: / 93% used …"), so the card, the dashboard and the API show what needs attention; a
// node that cannot be reached is a critical finding, and the others are still checked. The run ends "succeeded with
// warnings" when anything is over its limit, "succeeded" when all is well. The nodes come from the inventory
// (docs/fleet.md); nothing is changed on them.

Workflow("fleet-inspect", "Check disk, memory and load of every node with a tag, over SSH");

// By hand, logging in to each node: about twenty minutes for a handful. The reports count it per success.
ManualMinutes(20);

var tag = Param<string>("tag", "the nodes to check: those with this tag", pattern: "^[A-Za-z0-9_.-]+$", example: "web");
var diskWarnPercent = Param<int>("disk-warn-percent", "warn when a disk is fuller than this (percent)", defaultValue: 90);
var diskCriticalPercent = Param<int>("disk-critical-percent", "critical when a disk is fuller than this (percent)", defaultValue: 98);
var concurrency = Param<int>("concurrency", "nodes checked at once", defaultValue: 10);
const int MinFreeMemoryPercent = 10;
const int CriticalFreeMemoryPercent = 3;

// One round trip per node: the four readings, separated by a line of their own.
string[] probe = ["sh", "-c", "df -P -k; echo @@; cat /proc/meminfo; echo @@; cat /proc/loadavg; echo @@; nproc"];

Step("check", async ctx =>
{
    var nodes = Nodes(tag);
    if (nodes.Count == 0)
    {
        ctx.Finding(FindingLevel.Warning, $"no node is tagged '{tag}'; /nodes lists the inventory");
        return;
    }

    await ctx.ForEachNode(nodes, async node =>
    {
        RemoteResult reading;
        try
        {
            reading = await Ssh(ctx, node, probe);
        }
        catch (RemoteCommandException ex)
        {
            ctx.Finding(FindingLevel.Critical, $"{node.Name}: not checked: {ex.Message}");
            throw;
        }

        var parts = reading.Output.Split("@@\n");
        Disks(ctx, node, parts[0]);
        Memory(ctx, node, parts[1]);
        Load(ctx, node, parts[2], int.Parse(parts[3].Trim(), CultureInfo.InvariantCulture));
    }, batchSize: concurrency, maxFailures: nodes.Count);
}).Timeout(TimeSpan.FromMinutes(10));

void Disks(StepContext ctx, Node node, string df)
{
    // Skip memory-backed filesystems; one line per (size, free) pair, as containers mount one disk in many places.
    var rows = df.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(f => f.Length >= 6 && f[0] is not ("tmpfs" or "devtmpfs" or "udev" or "shm" or "none") && long.Parse(f[1], CultureInfo.InvariantCulture) > 0)
        .DistinctBy(f => (f[1], f[3]));
    foreach (var f in rows)
    {
        var size = long.Parse(f[1], CultureInfo.InvariantCulture) * 1024;
        var free = long.Parse(f[3], CultureInfo.InvariantCulture) * 1024;
        var used = (int)(100 - (100 * free / size));
        var level = used >= diskCriticalPercent ? FindingLevel.Critical : used >= diskWarnPercent ? FindingLevel.Warning : FindingLevel.Ok;
        var limit = level == FindingLevel.Critical ? diskCriticalPercent : diskWarnPercent;
        ctx.Finding(level, $"{node.Name}: {f[5]} {used}% used, {Bytes(free)} free of {Bytes(size)}{(level != FindingLevel.Ok ? $", over {limit}%" : "")}");
    }
}

void Memory(StepContext ctx, Node node, string meminfo)
{
    var info = meminfo.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split(':', 2))
        .Where(p => p.Length == 2)
        .ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
    // MemAvailable counts reclaimable cache; MemFree alone would make every busy Linux box look full.
    var total = info["MemTotal"];
    var available = info.GetValueOrDefault("MemAvailable", info.GetValueOrDefault("MemFree"));
    var freePercent = (int)(100 * available / total);
    var level = freePercent < CriticalFreeMemoryPercent ? FindingLevel.Critical : freePercent < MinFreeMemoryPercent ? FindingLevel.Warning : FindingLevel.Ok;
    ctx.Finding(level, $"{node.Name}: memory {Bytes(available)} available of {Bytes(total)} ({freePercent}%{(level != FindingLevel.Ok ? $", under {MinFreeMemoryPercent}%" : "")})");
}

void Load(StepContext ctx, Node node, string loadavg, int cores)
{
    var figures = loadavg.Trim().Split(' ');
    var fiveMinutes = double.Parse(figures[1], CultureInfo.InvariantCulture);
    // More runnable work than cores means work queues for the CPU; the 5-minute figure ignores short spikes.
    var level = fiveMinutes > 2 * cores ? FindingLevel.Critical : fiveMinutes > cores ? FindingLevel.Warning : FindingLevel.Ok;
    ctx.Finding(level, $"{node.Name}: load {figures[0]} / {figures[1]} / {figures[2]} (1, 5, 15 min) on {cores} cores");
}
