namespace OpsFlow.Scheduling;

/// <summary>Quartz's cluster on PostgreSQL (section "OpsFlow:Cluster" of appsettings.json; see docs/scale-out.md).</summary>
public sealed class ClusterOptions
{
    /// <summary>True when Quartz is clustered: the database is shared by hosts (OpsFlowDatabase.SharedByHosts); not a setting.</summary>
    public bool Enabled { get; internal set; }

    /// <summary>How often each host tells the cluster it is alive. Default 5 s.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long past a missed check-in the others wait before they recover a host's run jobs. Default 5 s.</summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a run job that finds its run driven by another host looks again: when that host dies, its lease
    /// expires and the job takes the run over. Default 1 s.
    /// </summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(1);
}
