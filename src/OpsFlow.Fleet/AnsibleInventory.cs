using System.Globalization;
using OpsFlow.Scripting.Api;
using YamlDotNet.RepresentationModel;

namespace OpsFlow.Fleet;

/// <summary>A problem in an inventory file, with its line, so the person who keeps it can fix it.</summary>
public sealed class InventoryException(string message) : Exception(message);

/// <summary>
/// Reads the Ansible inventory formats ops teams already keep: INI (<c>[web]</c> sections of host lines with
/// <c>ansible_host=</c>, <c>ansible_port=</c>, <c>ansible_user=</c>, <c>[web:vars]</c>, <c>[prod:children]</c>) and YAML
/// (<c>all: children: web: hosts: web-1: ansible_host: …</c>). A node's tags are every group it is in, directly or
/// through children (not <c>all</c> or <c>ungrouped</c>); its vars are its groups' vars, then its own. Ansible's
/// connection variables become the node's address, port and user; the others stay in <see cref="Node.Vars"/>.
/// </summary>
public static class AnsibleInventory
{
    public static IReadOnlyList<Node> Parse(string text, string fileName, int defaultPort, string defaultUser) =>
        fileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            ? ParseYaml(text, fileName, defaultPort, defaultUser)
            : ParseIni(text, fileName, defaultPort, defaultUser);

    private sealed class Groups
    {
        public Dictionary<string, HashSet<string>> Hosts { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, HashSet<string>> Children { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Dictionary<string, string>> GroupVars { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Dictionary<string, string>> HostVars { get; } = new(StringComparer.Ordinal);
        public List<string> Order { get; } = [];

        public void AddHost(string group, string host, IReadOnlyDictionary<string, string> vars)
        {
            Get(Hosts, group).Add(host);
            if (!HostVars.TryGetValue(host, out var known))
            {
                HostVars[host] = known = new Dictionary<string, string>(StringComparer.Ordinal);
                Order.Add(host);
            }

            foreach (var (k, v) in vars)
            {
                known[k] = v;
            }
        }

        public static HashSet<string> Get(Dictionary<string, HashSet<string>> map, string key)
        {
            if (!map.TryGetValue(key, out var set))
            {
                map[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            return set;
        }
    }

    private static List<Node> ParseIni(string text, string file, int defaultPort, string defaultUser)
    {
        var groups = new Groups();
        var section = "ungrouped";
        var kind = "hosts";
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                if (!line.EndsWith(']'))
                {
                    throw new InventoryException($"{file}:{number}: a section header is [group], [group:vars] or [group:children]; got '{line}'.");
                }

                var header = line[1..^1].Split(':', 2);
                section = header[0].Trim();
                kind = header.Length == 2 ? header[1].Trim() : "hosts";
                if (kind is not ("hosts" or "vars" or "children"))
                {
                    throw new InventoryException($"{file}:{number}: unknown section kind ':{kind}'; use :vars or :children.");
                }

                Groups.Get(groups.Hosts, section);
                continue;
            }

            switch (kind)
            {
                case "vars":
                    var (name, value) = Assignment(line, file, number);
                    if (!groups.GroupVars.TryGetValue(section, out var vars))
                    {
                        groups.GroupVars[section] = vars = new Dictionary<string, string>(StringComparer.Ordinal);
                    }

                    vars[name] = value;
                    break;
                case "children":
                    Groups.Get(groups.Children, section).Add(line);
                    break;
                default:
                    var words = Words(line);
                    if (words[0].Contains('[', StringComparison.Ordinal))
                    {
                        throw new InventoryException($"{file}:{number}: host ranges like '{words[0]}' are not supported; list the hosts one per line.");
                    }

                    groups.AddHost(section, words[0], words.Skip(1).Select(w => Assignment(w, file, number)).ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));
                    break;
            }
        }

        return Nodes(groups, file, defaultPort, defaultUser);
    }

    private static (string Name, string Value) Assignment(string text, string file, int line)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new InventoryException($"{file}:{line}: expected name=value, got '{text}'.");
        }

        return (text[..at].Trim(), Unquote(text[(at + 1)..].Trim()));
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    /// <summary>Words split at spaces, quoted values kept whole: <c>web-1 motd="hello there"</c>.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } q)
            {
                current.Append(c);
                quote = c == q ? null : quote;
            }
            else if (c is '"' or '\'')
            {
                current.Append(c);
                quote = c;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private static List<Node> ParseYaml(string text, string file, int defaultPort, string defaultUser)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new InventoryException($"{file}:{ex.Start.Line}: {ex.Message}");
        }

        var groups = new Groups();
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            foreach (var (key, value) in root.Children)
            {
                YamlGroup(groups, Scalar(key), value as YamlMappingNode, file);
            }
        }

        return Nodes(groups, file, defaultPort, defaultUser);
    }

    private static void YamlGroup(Groups groups, string name, YamlMappingNode? body, string file)
    {
        Groups.Get(groups.Hosts, name);
        if (body is null)
        {
            return;
        }

        foreach (var (key, value) in body.Children)
        {
            switch (Scalar(key))
            {
                case "hosts" when value is YamlMappingNode hosts:
                    foreach (var (host, vars) in hosts.Children)
                    {
                        groups.AddHost(name, Scalar(host), Map(vars));
                    }

                    break;
                case "vars" when value is YamlMappingNode vars:
                    groups.GroupVars[name] = Map(vars);
                    break;
                case "children" when value is YamlMappingNode children:
                    foreach (var (child, childBody) in children.Children)
                    {
                        Groups.Get(groups.Children, name).Add(Scalar(child));
                        YamlGroup(groups, Scalar(child), childBody as YamlMappingNode, file);
                    }

                    break;
                case "hosts" or "vars" or "children":
                    break; // empty: "hosts:" with nothing under it
                default:
                    throw new InventoryException($"{file}:{key.Start.Line}: group '{name}' has '{Scalar(key)}'; a group holds hosts, vars and children.");
            }
        }
    }

    private static string Scalar(YamlNode node) => (node as YamlScalarNode)?.Value ?? string.Empty;

    private static Dictionary<string, string> Map(YamlNode node) =>
        node is YamlMappingNode map
            ? map.Children.Where(c => c.Value is YamlScalarNode).ToDictionary(c => Scalar(c.Key), c => Scalar(c.Value), StringComparer.Ordinal)
            : new Dictionary<string, string>();

    /// <summary>Every host with the groups it is in (through children too) and its merged vars.</summary>
    private static List<Node> Nodes(Groups groups, string file, int defaultPort, string defaultUser)
    {
        var nodes = new List<Node>();
        foreach (var host in groups.Order)
        {
            var tags = groups.Hosts.Where(g => g.Value.Contains(host)).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
            var added = true;
            while (added)
            {
                added = false;
                foreach (var (parent, children) in groups.Children)
                {
                    if (!tags.Contains(parent) && children.Overlaps(tags))
                    {
                        added |= tags.Add(parent);
                    }
                }
            }

            var vars = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var group in tags.Order(StringComparer.Ordinal).Prepend("all"))
            {
                foreach (var (k, v) in groups.GroupVars.GetValueOrDefault(group) ?? [])
                {
                    vars[k] = v;
                }
            }

            foreach (var (k, v) in groups.HostVars[host])
            {
                vars[k] = v;
            }

            var address = Take(vars, "ansible_host") ?? host;
            var portText = Take(vars, "ansible_port");
            var port = defaultPort;
            if (portText is not null && !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                throw new InventoryException($"{file}: host '{host}' has ansible_port={portText}; a port is a number.");
            }

            var user = Take(vars, "ansible_user") ?? defaultUser;
            tags.Remove("all");
            tags.Remove("ungrouped");
            nodes.Add(new Node(host, address, port, user, tags.Order(StringComparer.Ordinal).ToArray(), vars));
        }

        return nodes;
    }

    private static string? Take(Dictionary<string, string> vars, string name) =>
        vars.Remove(name, out var value) ? value : null;
}
