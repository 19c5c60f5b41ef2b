using System.Text;
using System.Text.Json.Nodes;

namespace OpsFlow.Teams.Tests.Reliability;

/// <summary>
/// Turns valid JSON into the inputs a careless or hostile client sends: fields removed, values of the wrong type,
/// huge strings, control characters, nested objects where text is expected, and raw bytes that are not JSON or not
/// UTF-8. Everything comes from the given <see cref="Random"/>, so a seed replays a run.
/// </summary>
internal sealed class JsonMutator(Random random)
{
    private static readonly string[] Strings =
        ["", " ", "null", "0", "-1", "1e309", "NaN", "\u0000", "\uFFFF", "\uD800", "<at>OpsFlow</at>", "'; DROP TABLE runs; --", "../../../../etc/passwd", "$(id)", "%s%n", "/deploy", "\u202Eevil", new string('x', 5000)];

    public JsonNode Mutate(JsonNode node)
    {
        var copy = node.DeepClone();
        var times = 1 + random.Next(4);
        for (var i = 0; i < times; i++)
        {
            copy = MutateOnce(copy);
        }

        return copy;
    }

    public JsonNode RandomValue(int depth = 0) => random.Next(depth > 3 ? 6 : 8) switch
    {
        0 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue))!,
        1 => JsonValue.Create(random.NextDouble() * 1e20)!,
        2 => JsonValue.Create(random.Next(2) == 0)!,
        3 => JsonValue.Create(Strings[random.Next(Strings.Length)])!,
        4 => JsonValue.Create(RandomText(random.Next(1, 40)))!,
        5 => JsonValue.Create(long.MaxValue)!,
        6 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => (JsonNode?)RandomValue(depth + 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)RandomValue(depth + 1)))),
    };

    /// <summary>Bytes that are not JSON, or JSON that is not UTF-8: lone continuation bytes, overlong forms, truncation.</summary>
    public byte[] BadBytes(string validJson)
    {
        var bytes = Encoding.UTF8.GetBytes(validJson);
        switch (random.Next(4))
        {
            case 0:
                var noise = new byte[random.Next(1, 2000)];
                random.NextBytes(noise);
                return noise;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                var at = random.Next(bytes.Length);
                return [.. bytes[..at], 0xC0, 0xAF, 0xFF, 0xFE, 0x80, .. bytes[at..]];
            default:
                var text = bytes.ToArray();
                for (var i = 0; i < 1 + random.Next(10); i++)
                {
                    text[random.Next(text.Length)] = (byte)random.Next(256);
                }

                return text;
        }
    }

    private JsonNode MutateOnce(JsonNode root)
    {
        var containers = Containers(root).ToList();
        var target = containers[random.Next(containers.Count)];
        switch (target)
        {
            case JsonObject obj when obj.Count > 0:
                var key = obj.Select(p => p.Key).ElementAt(random.Next(obj.Count));
                switch (random.Next(4))
                {
                    case 0:
                        obj.Remove(key);
                        break;
                    case 1:
                        obj[key] = null;
                        break;
                    default:
                        obj[key] = RandomValue();
                        break;
                }

                break;
            case JsonArray array when array.Count > 0:
                array[random.Next(array.Count)] = RandomValue();
                break;
            default:
                return random.Next(3) == 0 ? RandomValue() : root;
        }

        return root;
    }

    private static IEnumerable<JsonNode> Containers(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().Where(c => c is JsonObject or JsonArray).ToArray())
        {
            foreach (var inner in Containers(child))
            {
                yield return inner;
            }
        }
    }

    private string RandomText(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(1, 0x3000);
        }

        return new string(chars);
    }
}
