namespace OpsFlow.Bot.Dashboard;

/// <summary>Log events of the dashboard (EventIds 9200-9219).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(9200, LogLevel.Error, "Could not write the dashboard sign-in of {User} to the audit log")]
    public static partial void SignInNotAudited(ILogger logger, Exception exception, string user);
}
