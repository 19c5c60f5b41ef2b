using System.Net;
using System.Text.Json;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Notifications;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// Severity routes through the real host: a failed run (level error) is mailed through a real SMTP server and posted
/// to a signed webhook, while a third channel that cannot be reached fails on its own, is retried and is listed.
/// </summary>
public sealed class NotificationRouteTests : IAsyncLifetime
{
    private const string SigningKey = "hook-signing-key-0123456789";
    private SmtpSink _smtp = null!;
    private WebhookSink _hook = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _hook = await WebhookSink.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _hook.DisposeAsync();
    }

    private sealed class RoutedFactory(int smtpPort, Uri hook) : OpsFlowFactory
    {
        protected override void AddSettings(IDictionary<string, string> settings)
        {
            settings["OpsFlow:Notifications:Routes:0:Levels:0"] = "Error";
            settings["OpsFlow:Notifications:Routes:0:Levels:1"] = "Critical";
            settings["OpsFlow:Notifications:Routes:0:To:0"] = "webhook:dead";
            settings["OpsFlow:Notifications:Routes:0:To:1"] = "email:oncall";
            settings["OpsFlow:Notifications:Routes:0:To:2"] = "webhook:pager";
            settings["OpsFlow:Notifications:Email:oncall:Host"] = "127.0.0.1";
            settings["OpsFlow:Notifications:Email:oncall:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["OpsFlow:Notifications:Email:oncall:Security"] = "none";
            settings["OpsFlow:Notifications:Email:oncall:From"] = "opsflow@example.com";
            settings["OpsFlow:Notifications:Email:oncall:To:0"] = "oncall@example.com";
            settings["OpsFlow:Notifications:Webhooks:pager:Url"] = hook.ToString();
            settings["OpsFlow:Notifications:Webhooks:pager:SecretName"] = "pager-key";
            settings["OpsFlow:Secrets:pager-key"] = SigningKey;
            // Nothing listens on port 1: this channel fails every time, and must hold up no other.
            settings["OpsFlow:Notifications:Webhooks:dead:Url"] = "http://127.0.0.1:1/hook";
            settings["OpsFlow:Notifications:Webhooks:dead:Timeout"] = "00:00:02";
        }

        protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
        {
            base.AddWorkflows(catalog, services);
            var broken = new WorkflowBuilder("broken", "always fails");
            broken.Step("write", _ => throw new IOException("disk full on /var/lib/app"));
            catalog.Add(broken.Build());
        }
    }

    [Fact]
    public async Task AFailedRun_IsMailedAndPostedSigned_WhileADeadChannelFailsAloneAndIsListed()
    {
        using var factory = new RoutedFactory(_smtp.Port, _hook.Url);
        var api = new ApiClient(factory.CreateClient(), factory.RunChanged);
        var (status, body) = await api.PostAsync("/api/runs", "olivia", new { workflow = "broken" });
        Assert.True(status == HttpStatusCode.Created, $"start: {(int)status} {body}");
        var runId = body.GetProperty("run").GetProperty("id").GetString()!;
        await api.WaitForStatusAsync(runId, "Failed");

        var mail = await _smtp.NextAsync(TimeSpan.FromSeconds(60));
        var (headers, json) = await _hook.NextAsync(TimeSpan.FromSeconds(60));

        Assert.Equal($"[OpsFlow error] broken run {runId} failed at write", mail.Subject);
        Assert.Equal("oncall@example.com", Assert.Single(mail.To.Mailboxes).Address);
        Assert.Contains("disk full on /var/lib/app", mail.TextBody, StringComparison.Ordinal);
        using var posted = JsonDocument.Parse(json);
        Assert.Equal(("error", runId), (posted.RootElement.GetProperty("level").GetString(), posted.RootElement.GetProperty("runId").GetString()));
        Assert.Equal(WebhookChannel.Signature(SigningKey, headers["X-OpsFlow-Timestamp"], json), headers["X-OpsFlow-Signature"]);

        // The dead channel's delivery is kept, failing, with its error, for the dashboard and GET /api/notifications.
        var failed = await Wait.ForAsync(
            async () => (await api.GetAsync("/api/notifications?failed=true")).Body,
            list => list.EnumerateArray().Any(d => d.GetProperty("channel").GetString() == "webhook:dead" && d.GetProperty("runId").GetString() == runId),
            "the dead webhook's delivery to be listed as failing");
        var dead = failed.EnumerateArray().Single(d => d.GetProperty("channel").GetString() == "webhook:dead" && d.GetProperty("runId").GetString() == runId);
        Assert.False(string.IsNullOrEmpty(dead.GetProperty("lastError").GetString()), $"the failure says why: {dead}");
        Assert.Null(dead.GetProperty("sentAt").GetString());
        var (_, all) = await api.GetAsync("/api/notifications");
        Assert.Contains(all.EnumerateArray(), d => d.GetProperty("channel").GetString() == "email:oncall" && d.GetProperty("sentAt").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public void Validation_RefusesRoutesToUnconfiguredChannels_AndChannelsThatCannotWork_SayingWhatToFix()
    {
        var options = new NotificationOptions
        {
            Routes = [new NoticeRoute { Levels = [OpsFlow.Engine.Ports.NoticeLevel.Critical], To = ["email:nobody", "sms:boss", "webhook:pager"] }, new NoticeRoute { To = ["teams:ops"] }],
            Webhooks = { ["pager"] = new WebhookChannelOptions { Url = "ftp://pager", SecretName = "missing-key" } },
        };

        var result = new NotificationOptionsValidator(new NoSecrets()).Validate(null, options);

        Assert.Equal(
            [
                "OpsFlow:Notifications:Routes:0:To names 'email:nobody': there is no OpsFlow:Notifications:Email:nobody.",
                "OpsFlow:Notifications:Routes:0:To names 'sms:boss': a channel is email:<name>, webhook:<name> or teams:<conversation>.",
                "OpsFlow:Notifications:Routes:1:Levels is empty; name the levels it routes (Info, Warning, Error, Critical).",
                "OpsFlow:Notifications:Webhooks:pager:Url must be an absolute http(s) URL (it is 'ftp://pager').",
                "OpsFlow:Notifications:Webhooks:pager:SecretName names 'missing-key', which OpsFlow:Secrets does not have; set OpsFlow:Secrets:missing-key.",
            ],
            result.Failures);
    }

    private sealed class NoSecrets : OpsFlow.Engine.Ports.ISecretSource
    {
        public IReadOnlyCollection<string> Values => [];

        public bool TryGet(string name, out string value)
        {
            value = "";
            return false;
        }
    }
}
