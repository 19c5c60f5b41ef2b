namespace OpsFlow.Bot.Hosting;

/// <summary>Work that must finish after the database is migrated and before runs are recovered (loading workflows).</summary>
internal interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}
