using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// The host as an operator watches it: the Prometheus scrape after runs, one trace per run through the real
/// OpenTelemetry pipeline (an in-memory exporter in place of OTLP), and the JSON log file.
/// </summary>
public sealed class TelemetryTests : IClassFixture<TelemetryTests.TracedFactory>
{
    private readonly TracedFactory _factory;
    private readonly ApiClient _api;

    public TelemetryTests(TracedFactory factory)
    {
        _factory = factory;
        _api = new ApiClient(factory.CreateClient(), factory.RunChanged);
    }

    [Fact]
    public async Task Scrape_AfterRuns_ExposesTheRunStepAndApprovalMetrics()
    {
        // Workflows only this host has: the OpenTelemetry SDK listens to every meter named OpsFlow.Engine in the process,
        // so another test's host running selfcheck or gated at the same moment moved these series (M3: steps in flight
        // for selfcheck was not 0).
        var succeeded = await StartAsync(TracedFactory.Check);
        await _api.WaitForStatusAsync(succeeded, "Succeeded");
        var gated = await StartAsync(TracedFactory.Gate, new { env = "prod" });
        await _api.WaitForStatusAsync(gated, "WaitingForApproval");

        var text = await ScrapeAsync();

        string[] expected =
        [
            "opsflow_runs_started_total{otel_scope_name=\"OpsFlow.Engine\",trigger=\"api\",workflow=\"traced-check\"}",
            "opsflow_runs_finished_total{otel_scope_name=\"OpsFlow.Engine\",outcome=\"Succeeded\",workflow=\"traced-check\"}",
            "opsflow_run_duration_seconds_bucket{otel_scope_name=\"OpsFlow.Engine\",outcome=\"Succeeded\",workflow=\"traced-check\"",
            "opsflow_step_duration_seconds_count{otel_scope_name=\"OpsFlow.Engine\",outcome=\"Succeeded\",step=\"report\",workflow=\"traced-check\"}",
            "opsflow_steps_in_flight{otel_scope_name=\"OpsFlow.Engine\",workflow=\"traced-check\"} 0",
            "opsflow_approvals_waiting{otel_scope_name=\"OpsFlow.Engine\",workflow=\"traced-gated\"} 1",
            "opsflow_approvals_oldest_age_seconds{otel_scope_name=\"OpsFlow.Engine\",workflow=\"traced-gated\"}",
            "http_server_request_duration_seconds_bucket{",
            "opsflow_quartz_fired_total{otel_scope_name=\"OpsFlow.Scheduling\",job=\"opsflow-runs\"}",
            // Counts vary: a script that does not compile is not cached, so a reload compiles it again.
            "opsflow_script_compile_duration_seconds_count{otel_scope_name=\"OpsFlow.Scripting\",outcome=\"ok\"}",
            "opsflow_script_compile_duration_seconds_count{otel_scope_name=\"OpsFlow.Scripting\",outcome=\"error\"}",
            "opsflow_script_loads_total{otel_scope_name=\"OpsFlow.Scripting\",cache=\"compile\"}",
        ];
        foreach (var line in expected)
        {
            Assert.True(text.Contains(line, StringComparison.Ordinal), $"the scrape lacks {line}:\n{text}");
        }

        Assert.Contains("# TYPE opsflow_run_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.True(text.Contains("dotnet_gc_", StringComparison.Ordinal) || text.Contains("process_runtime_dotnet_", StringComparison.Ordinal), "runtime metrics are exported");
        await _api.PostAsync($"/api/runs/{gated}/approvals", "mark", new { decision = "approve" });
        await _api.WaitForStatusAsync(gated, "Succeeded");
    }

    [Fact]
    public async Task Scrape_FromAnotherMachine_IsRefusedUnlessAllowed()
    {
        var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add(RemoteCallerFilter.Header, "10.20.30.40");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("AllowRemote", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARun_IsOneTrace_WithASpanPerStep_LinkedToTheRequestThatStartedIt()
    {
        var runId = await StartAsync("selfcheck");
        await _api.WaitForStatusAsync(runId, "Succeeded");

        var root = await WaitForSpanAsync(a => a.DisplayName == "run selfcheck" && Equals(a.GetTagItem("opsflow.run.id"), runId));
        var trace = _factory.Spans(root.TraceId);
        var steps = trace.Where(a => a.ParentSpanId == root.SpanId && a.DisplayName.StartsWith("step ", StringComparison.Ordinal)).Select(a => a.DisplayName).Order().ToArray();
        Assert.True(steps.SequenceEqual(["step database", "step disk", "step report"]), "one span per step under the run's root: " + string.Join(", ", trace.Select(a => a.DisplayName)));
        Assert.Equal(default, root.ParentSpanId);

        var link = Assert.Single(root.Links).Context;
        var request = Assert.Single(_factory.Spans(link.TraceId), a => a.SpanId == link.SpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("/api/runs", request.GetTagItem("url.path"));
        Assert.Equal(runId, request.GetTagItem("opsflow.run.id"));
    }

    [Fact]
    public async Task Logs_AreJsonLinesWithTheRunAndStepInScope_AtTheConfiguredLevel()
    {
        var runId = await StartAsync("selfcheck");
        await _api.WaitForStatusAsync(runId, "Succeeded");

        // Serilog's file sink flushes as it writes (the file is shared for reading), and announces nothing: it is polled.
        await Wait.UntilAsync(
            () => ReadLogLines().Any(line => line.TryGetProperty("RunId", out var id) && id.GetString() == runId
                && line.TryGetProperty("Step", out var step) && step.GetString() == "report"
                && line.TryGetProperty("Workflow", out var workflow) && workflow.GetString() == "selfcheck"
                && line.TryGetProperty("Attempt", out _) && line.TryGetProperty("@tr", out _)
                && line.GetProperty("EventId").GetProperty("Name").GetString() == "StepEnded"),
            $"a JSON line of run {runId} with its step, attempt and trace id in {_factory.LogsFolder}",
            within: TimeSpan.FromSeconds(15),
            describe: () => "Lines of the run:\n"
                + string.Join("\n", ReadLogLines().Select(l => l.ToString()).Where(l => l.Contains(runId, StringComparison.Ordinal) && l.Contains("report", StringComparison.Ordinal)).Take(5)),
            poll: TimeSpan.FromMilliseconds(50));
    }

    private IEnumerable<JsonElement> ReadLogLines()
    {
        foreach (var file in Directory.Exists(_factory.LogsFolder) ? Directory.GetFiles(_factory.LogsFolder, "opsflow-*.json") : [])
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                yield return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
    }

    private async Task<string> StartAsync(string workflow, object? parameters = null)
    {
        var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow, parameters = parameters ?? new { } });
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("run").GetProperty("id").GetString()!;
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _factory.CreateClient().GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    // The exporter announces nothing: spans are polled.
    private async Task<Activity> WaitForSpanAsync(Func<Activity, bool> match) =>
        (await Wait.ForAsync(
            () => Task.FromResult(_factory.Spans().FirstOrDefault(match)),
            span => span is not null,
            "the span",
            within: TimeSpan.FromSeconds(10),
            describe: () => Task.FromResult("Spans seen: " + string.Join(", ", _factory.Spans().Select(s => s.DisplayName))),
            poll: TimeSpan.FromMilliseconds(50)))!;

    /// <summary>Tracing on, exported to a list; a header lets a test pose as a caller from another machine.</summary>
    public sealed class TracedFactory : OpsFlowFactory
    {
        private readonly List<Activity> _exported = [];

        /// <summary>One good script and one that does not compile, so the script metrics have something to count.</summary>
        public TracedFactory()
        {
            Directory.CreateDirectory(WorkflowsPath);
            File.WriteAllText(Path.Combine(WorkflowsPath, "hello.csx"), "Workflow(\"hello\");\nStep(\"say\", ctx => ctx.Log(\"hello\"));\n");
            File.WriteAllText(Path.Combine(WorkflowsPath, "typo.csx"), "Workflow(\"typo\");\nStep(\"a\", ctx => ctx.Lgo(\"x\"));\n");
        }

        /// <summary>A workflow of this host only (a step "report"), for series no other host in the process moves.</summary>
        public const string Check = "traced-check";

        /// <summary>This host's own approval workflow: build, an ops-manager's approval, deploy.</summary>
        public const string Gate = "traced-gated";

        public IReadOnlyList<Activity> Spans(ActivityTraceId? trace = null)
        {
            lock (_exported)
            {
                return _exported.Where(a => trace is null || a.TraceId == trace).ToArray();
            }
        }

        protected override void AddWorkflows(OpsFlow.Engine.InProcess.InMemoryWorkflowCatalog catalog, IServiceProvider services)
        {
            base.AddWorkflows(catalog, services);
            var check = new OpsFlow.Engine.Definitions.WorkflowBuilder(Check, "one step");
            check.Step("report", ctx => ctx.Log("reported"));
            catalog.Add(check.Build());
            var gated = new OpsFlow.Engine.Definitions.WorkflowBuilder(Gate, "build, approve, deploy")
                .Parameter(new OpsFlow.Engine.Definitions.ParameterDefinition("env", OpsFlow.Engine.Definitions.ParameterType.Choice) { OneOf = ["dev", "prod"] });
            var build = gated.Step("build", ctx => ctx.Log("built"));
            var gate = gated.Approval("gate").After(build).Approvers("role:ops-manager");
            gated.Step("deploy", ctx => ctx.Log("deployed")).After(gate);
            catalog.Add(gated.Build());
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("OpsFlow:Telemetry:Tracing", "true");
            // The engine's level is set in configuration as an operator would: Debug brings each step's start and end.
            builder.UseSetting("Serilog:MinimumLevel:Default", "Information");
            builder.UseSetting("Serilog:MinimumLevel:Override:OpsFlow.Engine", "Debug");
            builder.ConfigureTestServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new OpenTelemetry.SimpleActivityExportProcessor(new LockedListExporter(_exported))));
                services.AddSingleton<IStartupFilter, RemoteCallerFilter>();
            });
        }
    }

    /// <summary>The in-memory exporter's list is not thread-safe; exports from parallel runs are serialised here.</summary>
    private sealed class LockedListExporter(List<Activity> spans) : OpenTelemetry.BaseExporter<Activity>
    {
        public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<Activity> batch)
        {
            lock (spans)
            {
                foreach (var span in batch)
                {
                    spans.Add(span);
                }
            }

            return OpenTelemetry.ExportResult.Success;
        }
    }

    private sealed class RemoteCallerFilter : IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, proceed) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }

                await proceed(context);
            });
            next(app);
        };
    }
}
