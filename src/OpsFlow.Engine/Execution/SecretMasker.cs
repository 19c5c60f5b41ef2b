using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Replaces every known secret value with "***" in text the engine records (step logs, outputs, errors).
/// Values shorter than <see cref="MinimumLength"/> are not masked: masking "1" would shred every log line.
/// </summary>
public sealed class SecretMasker(ISecretSource secrets)
{
    public const string Mask = "***";

    public const int MinimumLength = 4;

    public string Apply(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // Longest first, so a secret that contains another is masked whole.
        foreach (var value in secrets.Values.Where(v => v.Length >= MinimumLength).OrderByDescending(v => v.Length))
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
