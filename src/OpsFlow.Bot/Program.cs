using OpsFlow.Bot.Api;
using OpsFlow.Bot.Hosting;
using OpsFlow.Bot.Workflows;

var builder = WebApplication.CreateBuilder(args);

builder.AddOpsFlowLogging();
builder.Services.AddOpsFlowPersistence(builder.Configuration);
builder.Services.AddOpsFlowEngine(builder.Configuration);
builder.Services.AddOpsFlowBuiltInWorkflows();
builder.Services.AddOpsFlowScripts(builder.Configuration);
builder.Services.AddOpsFlowAccess(builder.Configuration);
builder.Services.AddOpsFlowApi();

var app = builder.Build();

app.UseOpsFlowApiErrors();
app.MapOpsFlowApi();

await app.RunAsync();

/// <summary>Visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
