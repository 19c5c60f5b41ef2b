using OpsFlow.Bot.Api;
using OpsFlow.Bot.Cli;
using OpsFlow.Bot.Dashboard;
using OpsFlow.Bot.Health;
using OpsFlow.Bot.Hosting;
using OpsFlow.Bot.Playground;
using OpsFlow.Bot.Telemetry;
using OpsFlow.Bot.Workflows;
using OpsFlow.Engine.Setup;
using OpsFlow.Notifications;
using OpsFlow.Scheduling;
using OpsFlow.Teams;
using OpsFlow.Teams.Inbound;

// `opsflow validate|new|editor|test|run|plan|runs|show|package|backup|restore|archive|audit|help …`: a short-lived command line on the same database (see docs/cli.md).
if (OpsFlowCommandLine.Handles(args))
{
    return await OpsFlowCommandLine.RunAsync(args);
}

// A setting the host cannot run with ends the start with one message and exit code 78, not a stack trace.
return await StartupFailure.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddOpsFlowLogging();
    // Metrics (Prometheus on loopback, OTLP when configured) and one trace per run.
    builder.AddOpsFlowTelemetry();
    builder.Services.AddOpsFlowPersistence(builder.Configuration);
    builder.Services.AddOpsFlowEngine(builder.Configuration);
    builder.Services.AddOpsFlowRecovery();
    builder.Services.AddOpsFlowBuiltInWorkflows();
    builder.Services.AddOpsFlowScripts(builder.Configuration);
    builder.Services.AddOpsFlowScriptWatcher();
    // Backups of the database (SQLite or PostgreSQL), for the backup workflow; `opsflow restore` puts one back.
    builder.Services.AddOpsFlowBackups(builder.Configuration);
    // Nodes (configuration, Ansible inventory) and SSH to them, for the scripts, /nodes and the API.
    builder.Services.AddOpsFlowNodes(builder.Configuration);
    // Quartz in the same database: timers, runs as recoverable jobs, schedules (its tables come with the migrations).
    builder.Services.AddOpsFlowScheduling(builder.Configuration);
    builder.Services.AddOpsFlowDeclaredSchedules();
    builder.Services.AddOpsFlowAccess(builder.Configuration);
    // Microsoft Teams: /api/messages, JWT checks, the connector client, run cards, chat commands.
    builder.Services.AddOpsFlowTeams(builder.Configuration);
    // Severity routes: notices by level to email, webhooks and more Teams conversations, each delivery durable.
    builder.Services.AddOpsFlowNotifications(builder.Configuration);
    builder.Services.AddOpsFlowApi(builder.Configuration);
    builder.Services.AddOpsFlowHealth();
    // Entra ID sign-in, or development mode (header identities); its cookie keys never in clear in the database.
    builder.AddOpsFlowSignIn();
    builder.Services.AddOpsFlowDataProtection(builder.Configuration);
    // No entry point that takes callers on their word (no Teams app id, no sign-in) listens beyond this machine.
    builder.RequireLoopbackUnlessAuthenticated();
    // Local development: the Agents Playground, a Teams-like client, pointed at /api/messages (see src/OpsFlow.Bot/Playground).
    builder.Services.AddOpsFlowPlayground(builder.Configuration);

    var app = builder.Build();

    app.UseOpsFlowApiErrors();
    app.UseOpsFlowDashboardFiles();
    app.UseOpsFlowSignIn();
    app.MapOpsFlowApi();
    app.MapOpsFlowMessages();
    app.MapOpsFlowHealth();
    app.MapOpsFlowTelemetry();
    app.MapOpsFlowDashboard();

    await app.RunAsync();
});

/// <summary>Visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
