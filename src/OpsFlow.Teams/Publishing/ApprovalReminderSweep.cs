using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// A waiting approval changes nothing by itself, so no card would be drawn again and no reminder would fall due:
/// every <see cref="Interval"/> this asks the publisher to draw the card of each run waiting for approval again, and
/// the notifications of that drawing include the reminders now due (each sent once, across hosts, by the notice log).
/// </summary>
internal sealed class ApprovalReminderSweep(IRunStore store, IRunCards cards, TimeProvider clock, ILogger<ApprovalReminderSweep> logger) : BackgroundService
{
    /// <summary>Reminders are at least 5 minutes apart (ApprovalPolicy.MinReminderInterval); a sweep a minute keeps each within a minute of its time.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                foreach (var waiting in (await store.GetActiveRunsAsync(stoppingToken)).Where(r => r.Run.Status == RunStatus.WaitingForApproval))
                {
                    cards.Refresh(waiting.Run.Id);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                PublishingLog.ReminderSweepFailed(logger, ex);
            }
        }
    }
}
