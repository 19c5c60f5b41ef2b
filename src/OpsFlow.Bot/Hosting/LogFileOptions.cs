namespace OpsFlow.Bot.Hosting;

/// <summary>The JSON log file. Bound from OpsFlow:Logs.</summary>
public sealed class LogFileOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Relative to the working directory; Serilog puts the date before the extension: opsflow-20261126.json.</summary>
    public string Path { get; set; } = "data/logs/opsflow-.json";

    /// <summary>A file is rolled early when it reaches this size.</summary>
    public int FileSizeLimitMegabytes { get; set; } = 100;

    /// <summary>Files kept; older ones are deleted (14 daily files is two weeks, less when files roll on size).</summary>
    public int RetainedFiles { get; set; } = 14;
}
