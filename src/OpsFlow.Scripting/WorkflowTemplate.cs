using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>The script `opsflow new` starts a workflow with: it loads, validates and runs as written, so a new author starts from green.</summary>
public static class WorkflowTemplate
{
    /// <summary>What a workflow name may be, said the way people fix it.</summary>
    public const string NameRule = "lower-case letters, digits and '-', starting with a letter, at most 40 characters";

    private const string Placeholder = "__NAME__";

    private const string Template = """
        #load ".opsflow/globals.csx"
        // __NAME__: TODO say in one line what this workflow does; people read it before they start a run.
        //
        // To fill in (workflows/README.md describes everything a script can declare):
        //   - the description in Workflow(...): the workflow list and the usage show it;
        //   - the parameters: Param<string>, Param<int> or Param<bool>, checked before anything runs;
        //   - the step bodies: all work goes inside steps, because the top level also runs to describe the workflow;
        //   - the compensation: how to undo "prepare" when a later step fails (or delete it if there is nothing to undo).
        // Then: opsflow validate, opsflow test __NAME__ (tests/__NAME__.tests.csx), opsflow plan __NAME__ target=example,
        // opsflow run __NAME__ target=example.

        Workflow("__NAME__", "TODO: what __NAME__ does");

        var target = Param<string>("target", "what to work on", pattern: "^[a-z][a-z0-9-]{0,40}$", example: "example");

        var prepare = Step("prepare", ctx =>
        {
            ctx.Log($"preparing {target}");
            ctx.SetOutput("prepared", target);
        })
        .Compensate(ctx => ctx.Log($"undoing the preparation of {target}"));

        Step("apply", ctx =>
        {
            ctx.Log($"applying to {ctx.Output("prepare", "prepared")}");
        })
        .After(prepare)
        .Timeout(TimeSpan.FromMinutes(5));

        """;

    private const string TestTemplate = """
        #load "../.opsflow/test-globals.csx"
        // Tests of __NAME__.csx: `opsflow test __NAME__`. Each test runs on an OpsFlow of its own (a fresh database, a clock
        // that moves only with t.Advance) where what steps reach outside is faked: t.Machine for programs and URLs,
        // t.Nodes for nodes over SSH. docs/scripts.md, "Test a workflow", shows what a test can declare and check;
        // deploy.tests.csx and fleet-deploy.tests.csx beside this file are fuller examples.

        Test("__NAME__ prepares, then applies", async t =>
        {
            var run = await t.Start("__NAME__", "target=example");

            run.ExpectStatus("Succeeded");
            t.Equal("example", run.Output("prepare", "prepared"), "what prepare handed on");
        });

        """;

    public static bool IsValidName(string name) => WorkflowScript.IsValidName(name);

    /// <summary>The script for a workflow called <paramref name="name"/> (a valid name, see <see cref="IsValidName"/>).</summary>
    public static string Text(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a workflow name: use {NameRule}.", nameof(name));
        }

        return Template.ReplaceLineEndings("\n").Replace(Placeholder, name, StringComparison.Ordinal);
    }

    /// <summary>The test file for the script <see cref="Text"/> writes: it passes as written under <c>opsflow test</c>.</summary>
    public static string TestText(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a workflow name: use {NameRule}.", nameof(name));
        }

        return TestTemplate.ReplaceLineEndings("\n").Replace(Placeholder, name, StringComparison.Ordinal);
    }
}
