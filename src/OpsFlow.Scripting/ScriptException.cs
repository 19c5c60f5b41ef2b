using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>A script that cannot be used: it does not compile, throws while declaring, or declares a bad graph.</summary>
public sealed class ScriptException(string file, IReadOnlyList<ScriptProblem> problems)
    : Exception($"{file} cannot be loaded:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}")
{
    public string File { get; } = file;

    public IReadOnlyList<ScriptProblem> Problems { get; } = problems;
}
