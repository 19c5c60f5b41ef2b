using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Tests;

public class ParameterArgumentsTests
{
    private static readonly ParameterDefinition[] Deploy =
    [
        new("app"),
        new("version"),
        new("env", ParameterType.Choice) { OneOf = ["dev", "prod"] },
        new("keep", ParameterType.Int) { Default = "3" },
    ];

    [Theory]
    [InlineData("web-app v1.2 prod", new[] { "web-app", "v1.2", "prod" })]
    [InlineData("  web-app   v1.2\tprod  ", new[] { "web-app", "v1.2", "prod" })]
    [InlineData("web-app reason=\"disk is full\"", new[] { "web-app", "reason=disk is full" })]
    [InlineData("\"two words\" 'single quoted'", new[] { "two words", "single quoted" })]
    [InlineData("reason=\u201Ccurly quotes\u201D", new[] { "reason=curly quotes" })]
    [InlineData("it's fine", new[] { "it's", "fine" })]
    [InlineData("empty=\"\" next", new[] { "empty=", "next" })]
    [InlineData("reason=\"never closed", new[] { "reason=never closed" })]
    [InlineData("", new string[0])]
    public void Tokenize_ChatText_KeepsQuotedValuesTogether(string text, string[] expected)
    {
        var tokens = ParameterArguments.Tokenize(text);

        Assert.True(expected.SequenceEqual(tokens), $"'{text}' gave [{string.Join(" | ", tokens)}], expected [{string.Join(" | ", expected)}]");
    }

    [Fact]
    public void Parse_Positional_FillsParametersInDeclarationOrder()
    {
        var parsed = ParameterArguments.Parse(Deploy, ["web-app", "v1.2", "prod"]);

        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors));
        Assert.Equal("web-app", parsed.Values["app"]);
        Assert.Equal("v1.2", parsed.Values["version"]);
        Assert.Equal("prod", parsed.Values["env"]);
        Assert.False(parsed.Values.ContainsKey("keep"), "an optional parameter left out must stay unset so the binder applies its default");
    }

    [Fact]
    public void Parse_NamedAndPositionalMixed_PositionalFillTheParametersNotNamed()
    {
        var parsed = ParameterArguments.Parse(Deploy, ["env=prod", "web-app", "keep=5", "v1.2"]);

        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors));
        Assert.Equal(
            new Dictionary<string, string?> { ["env"] = "prod", ["app"] = "web-app", ["keep"] = "5", ["version"] = "v1.2" },
            parsed.Values);
    }

    [Fact]
    public void Parse_ValueWithEqualsSign_IsPositionalUnlessItStartsWithAParameterName()
    {
        var parsed = ParameterArguments.Parse(Deploy, ["A=b", "version=x=y"]);

        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors));
        Assert.Equal("A=b", parsed.Values["app"]);
        Assert.Equal("x=y", parsed.Values["version"]);
    }

    [Fact]
    public void Parse_UnknownName_IsKeptForTheBinderToReport()
    {
        var parsed = ParameterArguments.Parse(Deploy, ["colour=blue"]);
        var errors = ParameterBinder.Bind(Deploy, parsed.Values, out _);

        Assert.True(parsed.Ok, "placing an unknown name is not a placement error");
        Assert.Contains(errors, e => e.Parameter == "colour" && e.Problem.Contains("unknown parameter", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NameGivenTwice_IsAnError()
    {
        var parsed = ParameterArguments.Parse(Deploy, ["env=dev", "env=prod"]);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("env", error.Parameter);
        Assert.Equal("dev", error.Example);
    }

    [Fact]
    public void Parse_TooManyPositional_NamesTheExtraArgument()
    {
        var parsed = ParameterArguments.Parse(Deploy, ["web-app", "v1.2", "prod", "5", "extra"]);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("extra", error.Parameter);
        Assert.Contains("one argument too many", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_RequiredAndOptional_AreMarkedDifferently()
    {
        var usage = ParameterArguments.Usage(new WorkflowDescriptor("deploy", "Deploy", Deploy));

        Assert.Equal("deploy <app> <version> <env> [keep=3]", usage);
    }
}
