using System.Diagnostics.Metrics;
using Quartz;

namespace OpsFlow.Scheduling.Tests;

/// <summary>The misfire counter Quartz feeds through the trigger listener, labelled by job without a label per run.</summary>
public class SchedulingTelemetryTests
{
    [Fact]
    public async Task TriggerMisfired_CountsByJob_RunJobsByGroupOnly()
    {
        using var telemetry = new SchedulingTelemetry();
        var seen = new List<(long Value, string? Job)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == telemetry.Meter && instrument.Name == "opsflow.quartz.misfires")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => seen.Add((value, tags.ToArray().Single(t => t.Key == "job").Value as string)));
        listener.Start();

        await telemetry.TriggerMisfired(TriggerBuilder.Create().ForJob(QuartzKeys.TimerJob).WithIdentity("t1", QuartzKeys.TimerGroup).StartNow().Build(), null!);
        await telemetry.TriggerMisfired(TriggerBuilder.Create().ForJob(new JobKey("run-abc", QuartzRunDispatcher.RunGroup)).StartNow().Build(), null!);

        Assert.Equal([(1L, "workflow-timer"), (1L, "opsflow-runs")], seen);
    }
}
