using System.Diagnostics;
using System.Text.Json;

namespace OpsFlow.Teams.Tests.Manifest;

/// <summary>Microsoft's Teams manifest validator (@microsoft/app-manifest) through tests/js/validate-manifest.js.</summary>
internal static class ManifestValidator
{
    public static string RepositoryRoot => OpsFlow.Testing.RepositoryRoot.Folder;

    public sealed record Verdict(bool Ok, string? Schema, IReadOnlyList<string> Errors)
    {
        public override string ToString() => Ok ? $"OK ({Schema})" : $"INVALID ({Schema}): {string.Join("; ", Errors)}";
    }

    public static async Task<Verdict> ValidateAsync(string manifestPath)
    {
        var js = Path.Combine(RepositoryRoot, "tests", "js");
        Assert.True(Directory.Exists(Path.Combine(js, "node_modules", "@microsoft", "app-manifest")),
            $"{js}/node_modules is missing: run `npm ci` in {js} (the test project's build does it when node_modules is absent).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = js, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("validate-manifest.js");
        start.ArgumentList.Add(manifestPath);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var line = (await output).Trim();
        Assert.True(process.ExitCode is 0 or 1, $"the validator could not run (exit {process.ExitCode}): {line} {await error}");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var errors = root.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        return new Verdict(root.GetProperty("ok").GetBoolean(), root.TryGetProperty("schema", out var s) ? s.GetString() : null, errors);
    }
}
