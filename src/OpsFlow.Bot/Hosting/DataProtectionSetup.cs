using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using OpsFlow.Bot.Dashboard;
using OpsFlow.Persistence;

namespace OpsFlow.Bot.Hosting;

/// <summary>
/// Where the keys that sign dashboard sessions live, and how they are kept. Whoever reads them can forge an admin's
/// session, so they never sit in clear where a database dump or a backup would carry them:
/// <list type="bullet">
/// <item>a certificate in <c>OpsFlow:DataProtection:CertificatePath</c> (a PFX, its password in
/// <c>CertificatePassword</c>) encrypts every key, wherever it is stored;</item>
/// <item>one host on SQLite keeps its keys in a folder of their own (<c>OpsFlow:DataProtection:KeysPath</c>, default
/// <c>data/keys</c>, owner-only), outside the database the backup workflow copies;</item>
/// <item>several hosts on PostgreSQL share the keys through the database, so there a certificate is required once
/// sign-in is on: the host refuses to start without it.</item>
/// </list>
/// </summary>
public static class DataProtectionSetup
{
    public const string Section = "OpsFlow:DataProtection";

    public static IServiceCollection AddOpsFlowDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var protection = services.AddDataProtection().SetApplicationName("OpsFlow");
        var shared = DatabaseSettings.IsPostgres(configuration);
        var certificate = Certificate(configuration);
        if (shared)
        {
            var signIn = (configuration.GetSection(SignInSetup.Section).Get<SignInOptions>() ?? new SignInOptions()).Configured;
            if (signIn && certificate is null)
            {
                throw new StartupRefusedException(
                    "OpsFlow refuses to start: several hosts share their sign-in keys through the PostgreSQL database, where a dump or a backup would carry them "
                    + $"in clear and let anyone forge a session. Set {Section}:CertificatePath to a PFX certificate (and {Section}:CertificatePassword) "
                    + "that every host has; docs/security.md says how to make one.");
            }

            // Sign-in cookies must read the same on every host (and after a host is rebuilt).
            protection.PersistKeysToOpsFlowDatabase();
        }
        else
        {
            protection.PersistKeysToFileSystem(KeysFolder(configuration));
        }

        if (certificate is not null)
        {
            protection.ProtectKeysWithCertificate(certificate);
        }

        return services;
    }

    /// <summary>The single host's key folder, created owner-only (0700) so no other account on the machine reads it.</summary>
    internal static DirectoryInfo KeysFolder(IConfiguration configuration)
    {
        var path = Path.GetFullPath(configuration[$"{Section}:KeysPath"] is { Length: > 0 } configured ? configured : Path.Combine("data", "keys"));
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(path);
        }

        var folder = Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // An older folder keeps its mode on create: tighten it.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }

    private static X509Certificate2? Certificate(IConfiguration configuration)
    {
        var path = configuration[$"{Section}:CertificatePath"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new StartupRefusedException($"OpsFlow refuses to start: {Section}:CertificatePath names {Path.GetFullPath(path)}, which does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, configuration[$"{Section}:CertificatePassword"]);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new StartupRefusedException(
                $"OpsFlow refuses to start: {Section}:CertificatePath ({path}) could not be read as a PFX with the password in {Section}:CertificatePassword: {ex.Message}");
        }
    }
}
