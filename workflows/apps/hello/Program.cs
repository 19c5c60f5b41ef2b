using System.Reflection;

// The release's version is baked in at publish time, so /health proves which build is answering.
var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

// Drill mode (set by `deploy drill=true`): the release starts but reports itself unhealthy, so the deploy
// workflow's health check fails and people can practise a rollback safely.
var drill = Environment.GetEnvironmentVariable("HELLO_DRILL") == "1";

var builder = WebApplication.CreateSlimBuilder(args);

// No console logging: the app is started detached, and writing to a pipe whose reader (the OpsFlow host)
// has gone away would break it.
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/", () => $"hello from {version}\n");
app.MapGet("/health", () => drill
    ? Results.Text($"unhealthy (drill) {version}\n", statusCode: 500)
    : Results.Text($"ok {version}\n"));
app.Run();
