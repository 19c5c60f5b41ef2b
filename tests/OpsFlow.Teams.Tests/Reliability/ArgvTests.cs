using System.Net;
using System.Text.Json;

namespace OpsFlow.Teams.Tests.Reliability;

/// <summary>
/// Parameters reach processes as one argv item each, whatever they hold (docs/reliability.md, "Malformed input"): steps run programs with
/// an argument list and no shell, so shell syntax and path traversal in a parameter are only text.
/// </summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class ArgvTests(ReliabilityFactory factory) : IClassFixture<ReliabilityFactory>
{
    public static TheoryData<string> Values() =>
    [
        "; touch /tmp/opsflow-argv-pwned #",
        "$(touch /tmp/opsflow-argv-pwned)",
        "`touch /tmp/opsflow-argv-pwned`",
        "a && touch /tmp/opsflow-argv-pwned || b",
        "| cat /etc/passwd",
        "> /tmp/opsflow-argv-pwned",
        "../../../../etc/passwd",
        "two words \"quoted\" 'single'",
        "* ? [a-z] ~ $HOME %s %n",
        "-n --help",
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public async Task ParameterWithShellSyntaxOrTraversal_ReachesTheProcessAsOneArgument(string value)
    {
        var api = new ApiClient(factory.CreateClient(), factory.RunChanged);

        var (status, body) = await api.PostAsync("/api/runs", "olivia", new { workflow = "argv", parameters = new { value } });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("run").GetProperty("id").GetString()!;
        await Wait.UntilAsync(
            async () => (await api.GetAsync($"/api/runs/{id}", "olivia")).Body.GetProperty("run").GetProperty("status").GetString() is "Succeeded" or "Failed",
            "the run to finish",
            factory.RunChanged);

        var log = (await api.GetAsync($"/api/runs/{id}/steps/print/log", "olivia")).Body.EnumerateArray()
            .Select(l => l.GetProperty("text").GetString()!).ToArray();
        Assert.Equal([$"[{value}]"], log.Where(l => l.StartsWith('[')).ToArray());
        Assert.False(File.Exists("/tmp/opsflow-argv-pwned"), "a shell ran the parameter");
        Assert.Equal("Succeeded", (await api.GetAsync($"/api/runs/{id}", "olivia")).Body.GetProperty("run").GetProperty("status").GetString());
    }
}
