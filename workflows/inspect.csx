#load ".opsflow/globals.csx"
#load "lib/format.csx"
// inspect: checks of this machine, run in parallel (they share no state), then one Markdown report.
// Each check reports what it found as findings (ok, warning or critical: on the card, the dashboard and the API)
// and sets two outputs the report reads: `status` (its worst finding) and `summary` (Markdown lines).
//
// A warning does not fail the run by default: the report is the product, and a scheduled daily inspection
// should deliver it rather than stop at the first full disk. The run then ends "succeeded with warnings" (amber),
// the findings listed. Pass fail-on-warning=true when a warning must end the run Failed (to page someone); the
// report is written either way.

Workflow("inspect", "Check this machine: disk, memory, load, listening ports and HTTP endpoints");

// By hand (df, free, uptime, ss, curl, and writing it up): about fifteen minutes. The reports count it per success.
ManualMinutes(15);

var diskWarnPercent = Param<int>("disk-warn-percent", "warn when a disk is fuller than this (percent)", defaultValue: 90);
var diskCriticalPercent = Param<int>("disk-critical-percent", "critical when a disk is fuller than this (percent)", defaultValue: 98);
var failOnWarning = Param<bool>("fail-on-warning", "end the run Failed when any check warns", defaultValue: false);

// Every morning at 06:00 UTC (Quartz cron, seconds first; "0 6 * * *" works too). If OpsFlow was down at 06:00,
// the inspection runs once when it comes back, and its trigger says it is late. Its card goes to the conversation
// configured as "ops" (OpsFlow:Teams:Conversations:ops = a Teams conversation id); unset, the run posts nothing.
Schedule("0 0 6 * * ?", timeZone: "UTC", conversation: "ops");

// Configured per host: OpsFlow:WorkflowSettings:inspect:endpoints:0 = "http://localhost:5000/health", …
var endpoints = SettingList("inspect:endpoints");
var reports = Path.Combine(Path.GetFullPath(DataDirectory), "reports");
const int MinFreeMemoryPercent = 10;
const int CriticalFreeMemoryPercent = 3;
string[] checks = ["disk", "memory", "load", "ports", "endpoints"];

// ContinueOnError on every check: one check that breaks on an odd machine must not cost the whole report.
Step("disk", ctx =>
{
    var lines = new List<string>();
    var worst = FindingLevel.Ok;

    // Containers mount one filesystem in many places; list each (size, free) pair once.
    var drives = DriveInfo.GetDrives()
        .Where(d => d.IsReady && d.DriveType == DriveType.Fixed && d.TotalSize > 0)
        .DistinctBy(d => (d.TotalSize, d.AvailableFreeSpace));
    foreach (var drive in drives)
    {
        var usedPercent = (int)(100 - (100 * drive.AvailableFreeSpace / drive.TotalSize));
        var level = usedPercent >= diskCriticalPercent ? FindingLevel.Critical : usedPercent >= diskWarnPercent ? FindingLevel.Warning : FindingLevel.Ok;
        var limit = level == FindingLevel.Critical ? diskCriticalPercent : diskWarnPercent;
        var line = $"`{drive.Name}` {usedPercent}% used, {Bytes(drive.AvailableFreeSpace)} free of {Bytes(drive.TotalSize)}{(level != FindingLevel.Ok ? $" — **over {limit}%**" : "")}";
        ctx.Finding(level, line.Replace("`", "").Replace("**", ""));
        worst = level > worst ? level : worst;
        lines.Add("- " + line);
    }

    if (lines.Count == 0)
    {
        ctx.Finding(FindingLevel.Ok, "no fixed drives found");
    }

    Record(ctx, worst, lines.Count > 0 ? lines : ["- no fixed drives found"]);
}).ContinueOnError();

Step("memory", ctx =>
{
    if (!File.Exists("/proc/meminfo"))
    {
        // Elsewhere the runtime knows the total it may use, not what is free: report, do not judge.
        var usable = $"{Bytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} usable; free memory is not measured on this OS";
        ctx.Finding(FindingLevel.Ok, usable);
        Record(ctx, FindingLevel.Ok, ["- " + usable]);
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
    var level = freePercent < CriticalFreeMemoryPercent ? FindingLevel.Critical : freePercent < MinFreeMemoryPercent ? FindingLevel.Warning : FindingLevel.Ok;
    var line = $"memory: {Bytes(available)} available of {Bytes(total)} ({freePercent}%{(level != FindingLevel.Ok ? $", under {MinFreeMemoryPercent}%" : "")})";
    ctx.Finding(level, line);
    Record(ctx, level, ["- " + line]);
}).ContinueOnError();

Step("load", ctx =>
{
    var cores = Environment.ProcessorCount;
    if (!File.Exists("/proc/loadavg"))
    {
        ctx.Finding(FindingLevel.Ok, $"{cores} cores; the load average is not available on this OS");
        Record(ctx, FindingLevel.Ok, [$"- {cores} cores; the load average is not available on this OS"]);
        return;
    }

    var figures = File.ReadAllText("/proc/loadavg").Split(' ');
    var fiveMinutes = double.Parse(figures[1], CultureInfo.InvariantCulture);

    // More runnable work than cores means work queues for the CPU; the 5-minute figure ignores short spikes.
    var level = fiveMinutes > 2 * cores ? FindingLevel.Critical : fiveMinutes > cores ? FindingLevel.Warning : FindingLevel.Ok;
    var line = $"load {figures[0]} / {figures[1]} / {figures[2]} (1, 5, 15 min) on {cores} cores";
    ctx.Finding(level, line);
    Record(ctx, level, ["- " + line]);
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
    ctx.Finding(FindingLevel.Ok, $"{ports.Length} TCP ports listening");
    Record(ctx, FindingLevel.Ok, [$"- {ports.Length} TCP ports listening: {string.Join(", ", ports)}"]);
}).ContinueOnError();

Step("endpoints", async ctx =>
{
    if (endpoints.Count == 0)
    {
        Record(ctx, FindingLevel.Ok, ["- none configured (set OpsFlow:WorkflowSettings:inspect:endpoints)"]);
        return;
    }

    var lines = new List<string>();
    var worst = FindingLevel.Ok;
    foreach (var url in endpoints)
    {
        try
        {
            var reply = await ctx.HealthCheck(url, attempts: 2, interval: TimeSpan.FromSeconds(1));
            ctx.Finding(FindingLevel.Ok, $"{url}: {reply.Status} in {reply.Elapsed.TotalMilliseconds:0} ms");
            lines.Add($"- {url}: {reply.Status} in {reply.Elapsed.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is HealthCheckFailedException or InvalidOperationException or UriFormatException)
        {
            // One endpoint down is a finding for the report, not a reason to skip the others.
            ctx.Finding(FindingLevel.Critical, $"{url} is down: {ex.Message}");
            worst = FindingLevel.Critical;
            lines.Add($"- {url}: **down**: {ex.Message}");
        }
    }

    Record(ctx, worst, lines);
}).ContinueOnError();

Step("report", ctx =>
{
    // A check that failed outright left no status: that is a warning too (and a finding, so the card says so).
    var warnings = checks.Where(check => ctx.Output(check, "status") != "ok").ToArray();
    var verdict = warnings.Length == 0 ? "ok" : checks.Any(check => ctx.Output(check, "status") == "critical") ? "critical" : "warning";
    foreach (var check in checks.Where(check => ctx.Output(check, "status") is null))
    {
        ctx.Finding(FindingLevel.Warning, $"the {check} check failed; see its step log");
    }

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

// The check's outputs for the report: its worst finding as `status`, its Markdown lines as `summary`. (The findings
// themselves are already in the step log.)
static void Record(StepContext ctx, FindingLevel worst, IEnumerable<string> lines)
{
    ctx.SetOutput("status", worst.ToString().ToLowerInvariant());
    ctx.SetOutput("summary", string.Join("\n", lines));
}
