using System.Security.Cryptography;
using System.Text;

namespace OpsFlow.Fleet;

/// <summary>What a known-hosts file says of a key a node presented.</summary>
public enum HostKeyVerdict
{
    Known,
    /// <summary>The file has no key of that type for the host: it was never accepted.</summary>
    Unknown,
    /// <summary>The file has another key of that type for the host: a reinstalled server, or someone in between.</summary>
    Changed,
    /// <summary>The file marks the key @revoked.</summary>
    Revoked,
}

/// <summary>
/// The OpenSSH known_hosts file, read at each check (people accept keys by adding lines with ssh-keyscan). A line is
/// <c>names keytype base64key [comment]</c>; names are comma-separated host patterns, <c>[host]:port</c> for a port
/// other than 22, or hashed (<c>|1|salt|hmac</c>, HashKnownHosts). Patterns with wildcards and @cert-authority lines
/// are not used: a key must be listed for the host itself.
/// </summary>
public sealed class KnownHosts(string path)
{
    public string Path { get; } = path;

    public HostKeyVerdict Check(string host, int port, string keyType, byte[] key)
    {
        var name = port == 22 ? host : $"[{host}]:{port}";
        var presented = Convert.ToBase64String(key);
        var sameType = false;
        if (!File.Exists(Path))
        {
            return HostKeyVerdict.Unknown;
        }

        foreach (var raw in File.ReadLines(Path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var revoked = false;
            if (fields[0].StartsWith('@'))
            {
                revoked = fields[0] == "@revoked";
                if (!revoked)
                {
                    continue; // @cert-authority: certificates are not used here
                }

                fields = fields[1..];
            }

            if (fields.Length < 3 || !Matches(fields[0], name))
            {
                continue;
            }

            var same = string.Equals(fields[2], presented, StringComparison.Ordinal);
            if (revoked && same)
            {
                return HostKeyVerdict.Revoked;
            }

            if (!revoked && string.Equals(fields[1], keyType, StringComparison.Ordinal))
            {
                if (same)
                {
                    return HostKeyVerdict.Known;
                }

                sameType = true;
            }
        }

        return sameType ? HostKeyVerdict.Changed : HostKeyVerdict.Unknown;
    }

    /// <summary>The command that adds a node's current key, for the person who checked it is the right one.</summary>
    public string AcceptCommand(string host, int port) =>
        $"ssh-keyscan {(port == 22 ? "" : $"-p {port} ")}{host} >> {Path}";

    private static bool Matches(string names, string name)
    {
        foreach (var pattern in names.Split(','))
        {
            if (pattern.StartsWith("|1|", StringComparison.Ordinal))
            {
                var parts = pattern.Split('|');
                if (parts.Length == 4 && Hashed(parts[2], name) == parts[3])
                {
                    return true;
                }
            }
            else if (string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // HMAC-SHA1 is what OpenSSH's HashKnownHosts writes; it only hides names, it protects nothing we check.
#pragma warning disable CA5350
    private static string? Hashed(string salt, string name)
    {
        try
        {
            return Convert.ToBase64String(HMACSHA1.HashData(Convert.FromBase64String(salt), Encoding.UTF8.GetBytes(name)));
        }
        catch (FormatException)
        {
            return null;
        }
    }
#pragma warning restore CA5350
}
