using System.Security.Cryptography;
using System.Text;
using OpsFlow.Fleet;

namespace OpsFlow.Fleet.Tests;

/// <summary>OpenSSH's known_hosts rules: a host's key is known, unknown, changed or revoked; plain and hashed names.</summary>
public sealed class KnownHostsTests : IDisposable
{
    private static readonly byte[] Key = [1, 2, 3, 4];
    private static readonly byte[] Other = [5, 6, 7, 8];
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Check_ByPlainAndHashedNames_WithAndWithoutPort()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
#pragma warning disable CA5350 // what OpenSSH's HashKnownHosts writes
        var hashed = Convert.ToBase64String(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes("[db.internal]:2222")));
#pragma warning restore CA5350
        File.WriteAllLines(_path,
        [
            "# comment",
            $"web-1.internal,10.0.0.11 ssh-ed25519 {Convert.ToBase64String(Key)} web-1",
            $"|1|{Convert.ToBase64String(salt)}|{hashed} ssh-ed25519 {Convert.ToBase64String(Key)}",
            $"@revoked old.internal ssh-ed25519 {Convert.ToBase64String(Other)}",
        ]);
        var known = new KnownHosts(_path);

        Assert.Equal(HostKeyVerdict.Known, known.Check("10.0.0.11", 22, "ssh-ed25519", Key));
        Assert.Equal(HostKeyVerdict.Changed, known.Check("web-1.internal", 22, "ssh-ed25519", Other));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("web-1.internal", 2200, "ssh-ed25519", Key));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("web-1.internal", 22, "ecdsa-sha2-nistp256", Other));
        Assert.Equal(HostKeyVerdict.Known, known.Check("db.internal", 2222, "ssh-ed25519", Key));
        Assert.Equal(HostKeyVerdict.Revoked, known.Check("old.internal", 22, "ssh-ed25519", Other));
        Assert.Equal($"ssh-keyscan -p 2222 db.internal >> {_path}", known.AcceptCommand("db.internal", 2222));
    }
}
