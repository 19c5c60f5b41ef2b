namespace OpsFlow.Engine.Definitions;

public enum ParameterType
{
    String,
    Int,
    Bool,
    /// <summary>One of a fixed list of values (<see cref="ParameterDefinition.OneOf"/>).</summary>
    Choice,
}

/// <summary>A typed workflow parameter, validated before anything runs (docs/product.md §3).</summary>
public sealed record ParameterDefinition(string Name, ParameterType Type = ParameterType.String)
{
    public string? Description { get; init; }

    /// <summary>The value used when none is given. A parameter with a default is optional.</summary>
    public string? Default { get; init; }

    /// <summary>A regular expression the whole value must match (strings only).</summary>
    public string? Pattern { get; init; }

    public IReadOnlyList<string>? OneOf { get; init; }

    public bool Required => Default is null;

    /// <summary>A value that satisfies the rules, for usage messages; set it when a pattern makes the guess wrong.</summary>
    public string Example
    {
        get => _example ?? Default ?? GuessExample();
        init => _example = value;
    }

    private readonly string? _example;

    private string GuessExample() => Type switch
    {
        ParameterType.Int => "10",
        ParameterType.Bool => "true",
        ParameterType.Choice when OneOf is { Count: > 0 } => OneOf[0],
        _ => "value",
    };

    /// <summary>The rule the value must follow, in words.</summary>
    public string Rule => Type switch
    {
        ParameterType.Int => "a whole number",
        ParameterType.Bool => "true or false",
        ParameterType.Choice => $"one of {string.Join(", ", OneOf ?? [])}",
        _ when Pattern is not null => $"text matching {Pattern}",
        _ => "text",
    };
}
