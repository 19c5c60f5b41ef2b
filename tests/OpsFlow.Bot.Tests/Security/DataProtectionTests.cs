using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Bot.Hosting;

namespace OpsFlow.Bot.Tests.Security;

/// <summary>
/// docs/security.md, "Session keys": the keys that sign dashboard sessions are never in clear where a database dump or
/// a backup carries them.
/// </summary>
public sealed class DataProtectionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-keys-").FullName;

    [Fact]
    public void WithACertificate_EveryKeyIsWrittenEncrypted()
    {
        var pfx = Path.Combine(_folder, "keys.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=opsflow-data-protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddYears(1));
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }

        var keys = Protect(("OpsFlow:DataProtection:CertificatePath", pfx), ("OpsFlow:DataProtection:CertificatePassword", "pfx-password"));

        var xml = File.ReadAllText(Assert.Single(Directory.GetFiles(keys, "*.xml")));
        Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutACertificate_OneHostKeepsItsKeysInAnOwnerOnlyFolder_OutsideTheDatabase()
    {
        var keys = Protect();

        Assert.Single(Directory.GetFiles(keys, "*.xml"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        }
    }

    [Fact]
    public void SeveralHostsWithSignIn_AndNoCertificate_RefuseToStart_SayingWhatToSet()
    {
        var configuration = Configuration(
            ("OpsFlow:Database:Provider", "Postgres"),
            ("OpsFlow:Auth:Authority", "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"),
            ("OpsFlow:Auth:ClientId", "11111111-1111-1111-1111-111111111111"));

        var error = Assert.Throws<StartupRefusedException>(() => new ServiceCollection().AddOpsFlowDataProtection(configuration));

        Assert.Contains("OpsFlow:DataProtection:CertificatePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateThatCannotBeRead_RefusesTheStart()
    {
        var wrong = Path.Combine(_folder, "not-a.pfx");
        File.WriteAllText(wrong, "not a certificate");

        var error = Assert.Throws<StartupRefusedException>(() => new ServiceCollection().AddOpsFlowDataProtection(
            Configuration(("OpsFlow:DataProtection:KeysPath", Path.Combine(_folder, "k")), ("OpsFlow:DataProtection:CertificatePath", wrong))));

        Assert.Contains("could not be read as a PFX", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Protects a value (which makes the first key) and returns the folder the keys went to.</summary>
    private string Protect(params (string Key, string Value)[] settings)
    {
        var keys = Path.Combine(_folder, "keys");
        var services = new ServiceCollection().AddLogging();
        services.AddOpsFlowDataProtection(Configuration([("OpsFlow:DataProtection:KeysPath", keys), .. settings]));
        using var provider = services.BuildServiceProvider();
        Assert.Equal("hello", provider.GetDataProtector("test").Unprotect(provider.GetDataProtector("test").Protect("hello")));
        return keys;
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
