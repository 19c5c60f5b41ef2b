using OpsFlow.Bench;

// Engine and script benchmark: prints every figure README quotes, in one run, on this machine.
//   dotnet run -c Release --project bench/OpsFlow.Bench [-- --quick] [--scripts-only | --scheduling-only | --reports-only | --chat-only | --telemetry-only | --cluster-only | --engine-only | --durability-only | --fleet-only]
var quick = args.Contains("--quick");
var scriptsOnly = args.Contains("--scripts-only");
var schedulingOnly = args.Contains("--scheduling-only");
var reportsOnly = args.Contains("--reports-only");
var chatOnly = args.Contains("--chat-only");
var telemetryOnly = args.Contains("--telemetry-only");
var clusterOnly = args.Contains("--cluster-only");
var engineOnly = args.Contains("--engine-only");
var durabilityOnly = args.Contains("--durability-only");
var fleetOnly = args.Contains("--fleet-only");
var folder = Directory.CreateTempSubdirectory("opsflow-bench-").FullName;
try
{
    var report = new Report();
    if (clusterOnly)
    {
        // Real host processes on a throwaway PostgreSQL (needs Debian's postgresql package); not part of the default run.
        await ClusterScenarios.RunAsync(folder, quick, report);
        report.Print();
        return;
    }

    if (fleetOnly)
    {
        // Real sshd processes on loopback (needs Debian's openssh-server); not part of the default run.
        await FleetScenarios.RunAsync(quick, report);
        report.Print();
        return;
    }

    if (durabilityOnly)
    {
        // What OpsFlow:Database:Durability=power costs against the default, back to back on the same disk.
        await Scenarios.SequentialAsync(folder, quick ? 30 : 200, report);
        await Scenarios.SequentialPowerAsync(folder, quick ? 30 : 200, report);
        report.Print();
        return;
    }

    if (engineOnly)
    {
        // The engine's own cost on the in-memory store, with enough runs for a profile to see it.
        await Scenarios.InMemoryAsync(quick ? 200 : 2_000, report);
        report.Print();
        return;
    }

    if (chatOnly)
    {
        await ChatScenarios.RunAsync(folder, quick, report);
        report.Print();
        return;
    }

    if (telemetryOnly)
    {
        await TelemetryScenarios.RunAsync(folder, quick, report);
        report.Print();
        return;
    }

    if (reportsOnly)
    {
        await ReportScenarios.RunAsync(folder, quick, report);
        report.Print();
        return;
    }

    if (!scriptsOnly && !schedulingOnly)
    {
        await Scenarios.RawSqliteAsync(folder, quick ? 1_000 : 5_000, report);
        await Scenarios.SequentialAsync(folder, quick ? 30 : 200, report);
        await Scenarios.SequentialPowerAsync(folder, quick ? 30 : 200, report);
        await Scenarios.ThroughputAsync(folder, runs: 200, steps: 10, report);
        await Scenarios.ResumeAsync(folder, runs: 200, report);
        await Scenarios.InMemoryAsync(quick ? 30 : 200, report);
        await TelemetryScenarios.RunAsync(folder, quick, report);
    }

    if (!scriptsOnly && !schedulingOnly)
    {
        await ReportScenarios.RunAsync(folder, quick, report);
    }

    if (!scriptsOnly)
    {
        await SchedulingScenarios.RunAsync(folder, quick, report);
    }

    // Last, so the engine scenarios leave Roslyn cold for the first-compile figure.
    if (!schedulingOnly)
    {
        await ScriptScenarios.RunAsync(folder, quick, report);
    }

    if (!scriptsOnly && !schedulingOnly)
    {
        await ChatScenarios.RunAsync(folder, quick, report);
    }

    report.Print();
}
finally
{
    Directory.Delete(folder, recursive: true);
}
