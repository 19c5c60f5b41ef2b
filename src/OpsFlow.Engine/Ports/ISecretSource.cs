namespace OpsFlow.Engine.Ports;

/// <summary>
/// Where step bodies get secrets from (configuration, a vault). Secrets never come from chat. Every value the
/// source knows is masked in step logs, outputs and errors, whether or not a step asked for it.
/// </summary>
public interface ISecretSource
{
    bool TryGet(string name, out string value);

    /// <summary>Every secret value, so the engine can mask them.</summary>
    IReadOnlyCollection<string> Values { get; }
}

/// <summary>No secrets configured.</summary>
public sealed class NoSecrets : ISecretSource
{
    public static NoSecrets Instance { get; } = new();

    public IReadOnlyCollection<string> Values => [];

    public bool TryGet(string name, out string value)
    {
        value = "";
        return false;
    }
}
