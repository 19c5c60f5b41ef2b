namespace OpsFlow.Engine.Definitions;

/// <summary>
/// Which parameters each step of a workflow reads: in its body, its compensation, its condition, its approval text,
/// and whatever decides whether it exists. Changing a paused run's parameters (issue 21) may touch only what no
/// finished step read. A step the analysis could not place reads every parameter, so the rule errs on the side of
/// refusing.
/// </summary>
public sealed class ParameterUse
{
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _byStep;

    public ParameterUse(IReadOnlyDictionary<string, IReadOnlySet<string>> byStep) => _byStep = byStep;

    /// <summary>Nothing is known: every step reads every parameter (built-in workflows, or a script the analysis cannot follow).</summary>
    public static ParameterUse Unknown { get; } = new(new Dictionary<string, IReadOnlySet<string>>());

    /// <summary>Marks a step that reads parameters the analysis cannot name (ctx.Parameters[name] with a computed name).</summary>
    public const string Any = "*";

    public bool IsKnown(string step) => _byStep.ContainsKey(step);

    /// <summary>True when <paramref name="step"/> reads <paramref name="parameter"/>, or when that is not known.</summary>
    public bool Reads(string step, string parameter) =>
        !_byStep.TryGetValue(step, out var reads) || reads.Contains(Any) || reads.Contains(parameter);

    /// <summary>What <paramref name="step"/> reads, or null when not known (it counts as reading everything).</summary>
    public IReadOnlySet<string>? Of(string step) => _byStep.GetValueOrDefault(step);
}
