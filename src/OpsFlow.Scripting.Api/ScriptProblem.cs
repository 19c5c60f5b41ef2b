namespace OpsFlow.Scripting.Api;

/// <summary>Something wrong with a script, where it is: file (relative to the workflows folder), line, column.</summary>
public sealed record ScriptProblem(string File, int Line, int Column, string Message)
{
    public override string ToString() => Column > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}: {Message}";
}
