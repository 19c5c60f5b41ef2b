using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>
/// How one script file stands after the last load: the workflow it declares and its version, or its problems.
/// <see cref="UsingLastGood"/> says an edit broke it and the version before the edit is still in service.
/// </summary>
public sealed record ScriptFileStatus(string File, string? Workflow, string? Version, IReadOnlyList<ScriptProblem> Problems)
{
    public bool UsingLastGood => Problems.Count > 0 && Version is not null;

    public bool Ok => Problems.Count == 0;
}
