#load "lib/format.csx"

// inspect: checks of this machine, run in parallel (they share no state), then one Markdown report.
// Each check sets two outputs the report reads: `status` (ok or warning) and `summary` (Markdown lines).
//
// A warning does not fail the run by default: the report is the product, and a scheduled daily inspection
// should deliver it rather than stop at the first full disk. Pass fail-on-warning=true when a warning must
// end the run Failed (to page someone); the report is written either way.

Workflow("inspect", "Check this machine: disk, memory, load, listening ports and HTTP endpoints");

var diskWarnPercent = Param<int>("disk-warn-percent", "warn when a disk is fuller than this (percent)", defaultValue: 90);
var failOnWarning = Param<bool>("fail-on-warning", "end the run Failed when any check warns", defaultValue: false);

// Every morning at 06:00 UTC (Quartz cron, seconds first; "0 6 * * *" works too). If OpsFlow was down at 06:00,
// the inspection runs once when it comes back, and its trigger says it is late. Its card goes to the conversation
// configured as "ops" (OpsFlow:Teams:Conversations:ops = a Teams conversation id); unset, the run posts nothing.
Schedule("0 0 6 * * ?", timeZone: "UTC", conversation: "ops");

// Configured per host: OpsFlow:WorkflowSettings:inspect:endpoints:0 = "http://localhost:5000/health", …
var endpoints = SettingList("inspect:endpoints");
var reports = Path.Combine(Path.GetFullPath(DataDirectory), "reports");
const int MinFreeMemoryPercent = 10;
string[] checks = ["disk", "memory", "load", "ports", "endpoints"];

// ContinueOnError on every check: one check that breaks on an odd machine must not cost the whole report.
Step("disk", ctx =>
{
    var lines = new List<string>();
    var warning = false;

    // Containers mount one filesystem in many places; list each (size, free) pair once.
    var drives = DriveInfo.GetDrives()
        .Where(d => d.IsReady && d.DriveType == DriveType.Fixed && d.TotalSize > 0)
        .DistinctBy(d => (d.TotalSize, d.AvailableFreeSpace));
    foreach (var drive in drives)
    {
        var usedPercent = (int)(100 - (100 * drive.AvailableFreeSpace / drive.TotalSize));
        var full = usedPercent >= diskWarnPercent;
        warning |= full;
        lines.Add($"- `{drive.Name}` {usedPercent}% used, {Bytes(drive.AvailableFreeSpace)} free of {Bytes(drive.TotalSize)}{(full ? $" — **over {diskWarnPercent}%**" : "")}");
    }

    Record(ctx, warning, lines.Count > 0 ? lines : ["- no fixed drives found"]);
}).ContinueOnError();

Step("memory", ctx =>
{
    if (!File.Exists("/proc/meminfo"))
    {
        // Elsewhere the runtime knows the total it may use, not what is free: report, do not judge.
        Record(ctx, false, [$"- {Bytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} usable; free memory is not measured on this OS"]);
        return;
    }

    var info = File.ReadLines("/proc/meminfo")
        .Select(line => line.Split(':', 2))
        .Where(parts => parts.Length == 2)
        .ToDictionary(parts => parts[0], parts => long.Parse(parts[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);

    // MemAvailable counts reclaimable cache; MemFree alone would make every busy Linux box look full.
    var total = info["MemTotal"];
    var available = info.GetValueOrDefault("MemAvailable", info.GetValueOrDefault("MemFree"));
    var freePercent = (int)(100 * available / total);
    Record(ctx, freePercent < MinFreeMemoryPercent, [$"- {Bytes(available)} available of {Bytes(total)} ({freePercent}%)"]);
}).ContinueOnError();

Step("load", ctx =>
{
    var cores = Environment.ProcessorCount;
    if (!File.Exists("/proc/loadavg"))
    {
        Record(ctx, false, [$"- {cores} cores; the load average is not available on this OS"]);
        return;
    }

    var figures = File.ReadAllText("/proc/loadavg").Split(' ');
    var fiveMinutes = double.Parse(figures[1], CultureInfo.InvariantCulture);

    // More runnable work than cores means work queues for the CPU; the 5-minute figure ignores short spikes.
    Record(ctx, fiveMinutes > cores, [$"- load {figures[0]} / {figures[1]} / {figures[2]} (1, 5, 15 min) on {cores} cores"]);
}).ContinueOnError();

Step("ports", ctx =>
{
    var ports = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties()
        .GetActiveTcpListeners()
        .Select(endpoint => endpoint.Port)
        .Distinct()
        .Order()
        .ToArray();
    ctx.SetOutput("ports", string.Join(",", ports));
    Record(ctx, false, [$"- {ports.Length} TCP ports listening: {string.Join(", ", ports)}"]);
}).ContinueOnError();

Step("endpoints", async ctx =>
{
    if (endpoints.Count == 0)
    {
        Record(ctx, false, ["- none configured (set OpsFlow:WorkflowSettings:inspect:endpoints)"]);
        return;
    }

    var lines = new List<string>();
    var warning = false;
    foreach (var url in endpoints)
    {
        try
        {
            var reply = await ctx.HealthCheck(url, attempts: 2, interval: TimeSpan.FromSeconds(1));
            lines.Add($"- {url}: {reply.Status} in {reply.Elapsed.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is HealthCheckFailedException or InvalidOperationException or UriFormatException)
        {
            // One endpoint down is a finding for the report, not a reason to skip the others.
            warning = true;
            lines.Add($"- {url}: **down**: {ex.Message}");
        }
    }

    Record(ctx, warning, lines);
}).ContinueOnError();

Step("report", ctx =>
{
    // A check that failed outright left no status: that is a warning too.
    var warnings = checks.Where(check => ctx.Output(check, "status") != "ok").ToArray();
    var verdict = warnings.Length == 0 ? "ok" : "warning";
    var text = new StringBuilder()
        .AppendLine(CultureInfo.InvariantCulture, $"# Inspection of {Environment.MachineName}")
        .AppendLine()
        .AppendLine(CultureInfo.InvariantCulture, $"Run `{ctx.RunId}` at {ctx.Clock.GetUtcNow():yyyy-MM-dd HH:mm}Z. Verdict: **{verdict}**.");
    foreach (var check in checks)
    {
        text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"## {check}: {ctx.Output(check, "status") ?? "failed"}")
            .AppendLine()
            .AppendLine(ctx.Output(check, "summary") ?? "- the check failed; see its step log");
    }

    Directory.CreateDirectory(reports);
    var path = Path.Combine(reports, $"inspect-{ctx.RunId}.md");
    File.WriteAllText(path, text.ToString());
    ctx.SetOutput("verdict", verdict);
    ctx.SetOutput("report", path);
    ctx.SetOutput("warnings", string.Join(",", warnings));
    ctx.Log($"verdict {verdict}; report written to {path}");
    if (failOnWarning && warnings.Length > 0)
    {
        throw new InvalidOperationException($"{string.Join(", ", warnings)} warned (fail-on-warning is on); see {path}");
    }
}).After(checks);

static void Record(StepContext ctx, bool warning, IEnumerable<string> lines)
{
    var summary = string.Join("\n", lines);
    ctx.SetOutput("status", warning ? "warning" : "ok");
    ctx.SetOutput("summary", summary);
    if (warning)
    {
        ctx.LogWarning(summary);
    }
    else
    {
        ctx.Log(summary);
    }
}
