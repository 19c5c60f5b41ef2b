using OpsFlow.Engine.Execution;

namespace OpsFlow.Bot.Hosting;

/// <summary>
/// Reads the emergency stop from the database every <see cref="Interval"/>, so that a stop called (or lifted) on
/// another host reaches the runs of this one: their next step waits for at most this long. Starts read it anyway.
/// </summary>
internal sealed partial class EmergencyStopWatch(EmergencyStop stop, TimeProvider clock, ILogger<EmergencyStopWatch> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                await stop.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ReadFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 9300, Level = LogLevel.Warning, Message = "Could not read the emergency stop from the database; this host keeps what it last read and tries again")]
    private static partial void ReadFailed(ILogger logger, Exception exception);
}
