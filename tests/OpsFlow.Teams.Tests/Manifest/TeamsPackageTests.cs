using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsFlow.Bot.Cli;
using Spectre.Console;

namespace OpsFlow.Teams.Tests.Manifest;

/// <summary>`opsflow package` builds a zip that Microsoft's own validator accepts, with icons of the sizes Teams requires.</summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class TeamsPackageTests : IDisposable
{
    private const string AppId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private const string PublicUrl = "https://opsflow.contoso.test/";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opsflow-package-tests", Guid.NewGuid().ToString("n"));
    private readonly StringWriter _output = new();

    public TeamsPackageTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Package_WithAnAppIdAndAPublicUrl_WritesAZipThatTheTeamsValidatorAccepts()
    {
        var zipPath = Path.Combine(_folder, "out", "opsflow-teams.zip");
        var exit = await PackageAsync($"--OpsFlow:Teams:AppId={AppId}", $"--OpsFlow:Teams:PublicUrl={PublicUrl}", "--out", zipPath);

        Assert.True(exit == OpsFlowCommandLine.Success, $"exit {exit}: {_output}");
        Assert.Contains(zipPath, _output.ToString(), StringComparison.Ordinal);
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));

        var manifestPath = Path.Combine(_folder, "manifest.json");
        zip.GetEntry("manifest.json")!.ExtractToFile(manifestPath);
        var verdict = await ManifestValidator.ValidateAsync(manifestPath);
        Assert.True(verdict.Ok, verdict.ToString());

        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal(AppId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal(["opsflow.contoso.test"], manifest["validDomains"]!.AsArray().Select(d => (string?)d));
        Assert.Equal("https://opsflow.contoso.test", (string?)manifest["developer"]!["websiteUrl"]);
        Assert.DoesNotContain("${{", manifest.ToJsonString(), StringComparison.Ordinal);
        var scopes = manifest["bots"]![0]!["scopes"]!.AsArray().Select(s => (string?)s).ToList();
        Assert.Equal(["personal", "team", "groupChat"], scopes);
        foreach (var list in manifest["bots"]![0]!["commandLists"]!.AsArray())
        {
            var commands = list!["commands"]!.AsArray();
            Assert.True(commands.Count is > 0 and <= 10, $"Teams shows at most 10 commands per list; this one has {commands.Count}");
            Assert.Contains(commands, c => (string?)c!["title"] == "deploy");
        }

        AssertIcon(zip, "color.png", 192, mustBeTransparent: false);
        AssertIcon(zip, "outline.png", 32, mustBeTransparent: true);
    }

    [Fact]
    public async Task TheValidator_RejectsAManifestWithoutBotId_SoThePackageTestCanFail()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(ManifestValidator.RepositoryRoot, "manifest", "manifest.json"));
        var manifest = JsonNode.Parse(TeamsAppPackage.FillManifest(template, AppId, PublicUrl))!;
        manifest["bots"]![0]!.AsObject().Remove("botId");
        var path = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(path, manifest.ToJsonString());

        var verdict = await ManifestValidator.ValidateAsync(path);

        Assert.False(verdict.Ok, "a bot without botId must be refused");
        Assert.Contains(verdict.Errors, e => e.Contains("botId", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", PublicUrl, "OpsFlow:Teams:AppId is empty")]
    [InlineData("not-a-guid", PublicUrl, "is not a GUID")]
    [InlineData(AppId, "", "OpsFlow:Teams:PublicUrl is empty")]
    [InlineData(AppId, "http://opsflow.contoso.test", "is not an https URL")]
    public async Task Package_WithAMissingOrBadSetting_ExitsTwoAndSaysWhatToSet(string appId, string publicUrl, string expected)
    {
        var zipPath = Path.Combine(_folder, "never.zip");
        var exit = await PackageAsync($"--OpsFlow:Teams:AppId={appId}", $"--OpsFlow:Teams:PublicUrl={publicUrl}", "--out", zipPath);

        Assert.Equal(OpsFlowCommandLine.BadUsage, exit);
        Assert.Contains(expected, _output.ToString().Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(File.Exists(zipPath), "nothing is written when a setting is wrong");
    }

    [Fact]
    public void FillManifest_WithAPlaceholderItDoesNotKnow_Refuses()
    {
        var ex = Assert.Throws<InvalidDataException>(() => TeamsAppPackage.FillManifest("""{ "id": "${{OPSFLOW_APP_ID}}", "x": "${{OTHER}}" }""", AppId, PublicUrl));
        Assert.Contains("${{OTHER}}", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _output.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }

    private static void AssertIcon(ZipArchive zip, string name, int size, bool mustBeTransparent)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        var header = PngHeader.Read(bytes.ToArray());
        Assert.True(header.Width == size && header.Height == size, $"{name} is {header.Width}×{header.Height}; Teams requires {size}×{size}");
        Assert.True(!mustBeTransparent || header.HasAlpha, $"{name} must have an alpha channel (white on transparent)");
    }

    /// <summary>Runs the verb as the command line does, from the repository root (where manifest/ is).</summary>
    private async Task<int> PackageAsync(params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 400;
        var withManifest = args.Append("--manifest").Append(Path.Combine(ManifestValidator.RepositoryRoot, "manifest")).Prepend("package").ToArray();
        return await OpsFlowCommandLine.RunAsync(withManifest, console, interactive: false, CancellationToken.None);
    }
}
