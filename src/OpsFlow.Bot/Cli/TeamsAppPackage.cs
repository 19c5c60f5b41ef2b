using System.IO.Compression;
using System.Text.Json;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// Builds the Teams app package that an admin uploads: the manifest template of manifest/ with this installation's
/// app id and public address filled in, and the two icons, zipped at the root as Teams requires.
/// </summary>
internal static class TeamsAppPackage
{
    public const string ManifestFile = "manifest.json";
    public const string ColorIcon = "color.png";
    public const string OutlineIcon = "outline.png";

    /// <summary>The template's placeholders; any other <c>${{…}}</c> left in the result is an error.</summary>
    public const string AppIdPlaceholder = "${{OPSFLOW_APP_ID}}";
    public const string PublicUrlPlaceholder = "${{OPSFLOW_PUBLIC_URL}}";
    public const string PublicDomainPlaceholder = "${{OPSFLOW_PUBLIC_DOMAIN}}";

    /// <summary>Checks the two configuration values; returns what is wrong with each, phrased as what to set.</summary>
    public static IReadOnlyList<string> CheckSettings(string? appId, string? publicUrl)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(appId))
        {
            problems.Add("OpsFlow:Teams:AppId is empty: set it to the bot's Microsoft App id (environment: OpsFlow__Teams__AppId).");
        }
        else if (!Guid.TryParse(appId, out _))
        {
            problems.Add($"OpsFlow:Teams:AppId '{appId}' is not a GUID: Teams needs the bot's Microsoft App id, e.g. 00000000-0000-0000-0000-000000000000.");
        }

        if (string.IsNullOrWhiteSpace(publicUrl))
        {
            problems.Add("OpsFlow:Teams:PublicUrl is empty: set it to the https address Teams reaches this host at, e.g. https://opsflow.contoso.com (environment: OpsFlow__Teams__PublicUrl).");
        }
        else if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"OpsFlow:Teams:PublicUrl '{publicUrl}' is not an https URL: Teams only calls bots over https, e.g. https://opsflow.contoso.com.");
        }

        return problems;
    }

    /// <summary>The manifest text with the values filled in; throws <see cref="InvalidDataException"/> if the template is unusable.</summary>
    public static string FillManifest(string template, string appId, string publicUrl)
    {
        var url = new Uri(publicUrl);
        var baseUrl = url.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var manifest = template
            .Replace(AppIdPlaceholder, Escape(appId.Trim()), StringComparison.Ordinal)
            .Replace(PublicUrlPlaceholder, Escape(baseUrl), StringComparison.Ordinal)
            .Replace(PublicDomainPlaceholder, Escape(url.Authority), StringComparison.Ordinal);
        var left = manifest.IndexOf("${{", StringComparison.Ordinal);
        if (left >= 0)
        {
            var end = manifest.IndexOf("}}", left, StringComparison.Ordinal);
            var name = end < 0 ? manifest[left..] : manifest[left..(end + 2)];
            throw new InvalidDataException($"the manifest template has a placeholder the package step does not know: {name}");
        }

        try
        {
            using var _ = JsonDocument.Parse(manifest);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the manifest is not valid JSON after filling it in: {ex.Message}", ex);
        }

        return manifest;
    }

    /// <summary>Writes the zip to <paramref name="outFile"/> (replacing it) from the template folder <paramref name="manifestFolder"/>.</summary>
    public static async Task WriteAsync(string manifestFolder, string appId, string publicUrl, string outFile, CancellationToken cancellationToken)
    {
        foreach (var file in new[] { ManifestFile, ColorIcon, OutlineIcon })
        {
            if (!File.Exists(Path.Combine(manifestFolder, file)))
            {
                throw new FileNotFoundException($"{Path.Combine(manifestFolder, file)} is missing; the package is built from the repository's manifest folder.");
            }
        }

        var template = await File.ReadAllTextAsync(Path.Combine(manifestFolder, ManifestFile), cancellationToken);
        var manifest = FillManifest(template, appId, publicUrl);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);

        // Written beside the target first, so a failure never leaves half a package where the old one was.
        var temporary = outFile + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
            await using (var entry = await zip.CreateEntry(ManifestFile).OpenAsync(cancellationToken))
            {
                await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes(manifest), cancellationToken);
            }

            foreach (var icon in new[] { ColorIcon, OutlineIcon })
            {
                await zip.CreateEntryFromFileAsync(Path.Combine(manifestFolder, icon), icon, cancellationToken);
            }
        }

        File.Move(temporary, outFile, overwrite: true);
    }

    private static string Escape(string value) => JsonEncodedText.Encode(value).ToString();
}
