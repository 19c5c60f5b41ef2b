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
        // Then: opsflow validate, opsflow plan __NAME__ target=example, opsflow run __NAME__ target=example.

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
}
