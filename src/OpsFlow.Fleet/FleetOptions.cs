namespace OpsFlow.Fleet;

/// <summary>The "OpsFlow:Fleet" section: where nodes come from and how they are reached (docs/fleet.md).</summary>
public sealed class FleetOptions
{
    public const string Section = "OpsFlow:Fleet";

    /// <summary>Nodes named in configuration: OpsFlow:Fleet:Nodes:web-1:Host = 10.0.0.11, …:Tags:0 = web.</summary>
    public Dictionary<string, NodeOptions> Nodes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>An Ansible inventory file (INI, or YAML when it ends .yml/.yaml), read again when it changes; optional.</summary>
    public string? InventoryPath { get; set; }

    /// <summary>
    /// The OpenSSH known-hosts file every node's host key is checked against; default ~/.ssh/known_hosts of the user
    /// OpsFlow runs as. An unknown or changed key refuses the connection.
    /// </summary>
    public string? KnownHostsPath { get; set; }

    /// <summary>The user for nodes that name none (Ansible's ansible_user); default the user OpsFlow runs as.</summary>
    public string? DefaultUser { get; set; }

    /// <summary>The secret (OpsFlow:Secrets:…) holding the private key (OpenSSH PEM text) for nodes that name none.</summary>
    public string KeySecret { get; set; } = "ssh-key";

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Commands at once on one node's connection (OpenSSH's MaxSessions is 10 by default).</summary>
    public int MaxSessionsPerNode { get; set; } = 8;

    /// <summary>
    /// The key exchange algorithms offered, most preferred first; empty (the default) offers SSH.NET's list, which puts
    /// the post-quantum hybrids (mlkem768x25519-sha256, sntrup761x25519-sha512) first. docs/fleet.md, "Benchmark", says
    /// what each costs a connection here.
    /// </summary>
    public List<string> KeyExchange { get; set; } = [];
}

/// <summary>One node in configuration.</summary>
public sealed class NodeOptions
{
    public string? Host { get; set; }

    public int? Port { get; set; }

    public string? User { get; set; }

    public List<string> Tags { get; set; } = [];

    public Dictionary<string, string> Vars { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The secret holding this node's private key, when it is not the fleet's <see cref="FleetOptions.KeySecret"/>.</summary>
    public string? KeySecret { get; set; }

    /// <summary>The secret holding this node's password, for nodes without keys (not recommended).</summary>
    public string? PasswordSecret { get; set; }
}
