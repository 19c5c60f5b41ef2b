using System.Diagnostics;
using System.Reflection;
using System.Text;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Tests.Cards;

/// <summary>
/// Checks cards with the official adaptivecards library and our own Teams rules (tests/js/validate-cards.js).
/// Any test can call <see cref="AssertValidAsync"/> with the cards it builds.
/// </summary>
public static class CardValidator
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);

    public static string JsDirectory { get; } = typeof(CardValidator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OpsFlowJsDir").Value!;

    /// <summary>Fails with node's report when any card is invalid.</summary>
    public static async Task AssertValidAsync(IEnumerable<(string Name, AdaptiveCard Card)> cards)
    {
        var (exitCode, output) = await ValidateAsync(cards.Select(c => (c.Name, CardJson.Serialize(c.Card))));
        Assert.True(exitCode == 0, $"validate-cards.js exited {exitCode}:{Environment.NewLine}{output}");
    }

    /// <summary>Writes the JSON texts to a temporary folder and runs the validator on it.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(IEnumerable<(string Name, string Json)> cards)
    {
        var folder = Directory.CreateTempSubdirectory("opsflow-cards-");
        try
        {
            foreach (var (name, json) in cards)
            {
                var file = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-'));
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, file + ".json"), json, new UTF8Encoding(false));
            }

            return await RunNodeAsync(folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(string folder)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = JsDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(JsDirectory, "validate-cards.js"));
        start.ArgumentList.Add(folder);
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start; is Node.js on PATH?");
        using var timeout = new CancellationTokenSource(NodeTimeout);
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"validate-cards.js did not finish within {NodeTimeout}.");
        }

        return (node.ExitCode, (await stdout) + (await stderr));
    }
}
