using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Tests;

public class ParameterBinderTests
{
    private static readonly ParameterDefinition[] Deploy =
    [
        new("app") { Pattern = "^[a-z][a-z0-9-]{1,40}$" },
        new("env", ParameterType.Choice) { OneOf = ["dev", "staging", "prod"] },
        new("replicas", ParameterType.Int) { Default = "2" },
        new("dry-run", ParameterType.Bool) { Default = "false" },
    ];

    [Fact]
    public void Bind_GoodValues_NormalisesThemAndFillsDefaults()
    {
        var errors = ParameterBinder.Bind(Deploy, new Dictionary<string, string?> { ["app"] = "web-app", ["env"] = "PROD", ["dry-run"] = "yes" }, out var values);

        Assert.Empty(errors);
        Assert.Equal("prod", values["env"]);
        Assert.Equal(2, values.GetInt("replicas"));
        Assert.True(values.GetBool("dry-run"));
    }

    [Fact]
    public void Bind_EveryBadValue_IsReportedWithRuleAndExample()
    {
        var errors = ParameterBinder.Bind(Deploy, new Dictionary<string, string?>
        {
            ["app"] = "Web App",
            ["env"] = "production",
            ["replicas"] = "many",
            ["dry-run"] = "maybe",
            ["colour"] = "blue",
        }, out _);

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Parameter == "app" && e.Problem.Contains("must match", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Parameter == "env" && e.Problem == "must be one of dev, staging, prod, got 'production'" && e.Example == "dev");
        Assert.Contains(errors, e => e.Parameter == "replicas" && e.Problem.Contains("whole number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Parameter == "dry-run" && e.Problem.Contains("true or false", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Parameter == "colour" && e.Problem.Contains("unknown parameter", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_MissingRequired_SaysRequiredWithTheRule()
    {
        var errors = ParameterBinder.Bind(Deploy, new Dictionary<string, string?> { ["app"] = "web" }, out _);
        var error = Assert.Single(errors);
        Assert.Equal("parameter 'env': is required: one of dev, staging, prod (example: env=dev)", error.ToString());
    }

    [Fact]
    public void Bind_AValueThePatternCannotJudgeInTime_IsRefusedAsBadInput_NotThrown()
    {
        // (a+)+$ backtracks exponentially on a run of a's that ends in something else.
        ParameterDefinition[] slow = [new("name") { Pattern = "^(a+)+$" }];

        var errors = ParameterBinder.Bind(slow, new Dictionary<string, string?> { ["name"] = new string('a', 40) + "!" }, out _);

        var error = Assert.Single(errors);
        Assert.Equal("name", error.Parameter);
        Assert.Contains("could not be checked against ^(a+)+$ within 200 ms", error.Problem, StringComparison.Ordinal);
    }
}
