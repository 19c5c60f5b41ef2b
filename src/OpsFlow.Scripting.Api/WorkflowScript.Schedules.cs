using System.Runtime.CompilerServices;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

public sealed partial class WorkflowScript
{
    /// <summary>
    /// Runs this workflow on a schedule: <paramref name="cron"/> is a Quartz expression (seconds first, e.g.
    /// "0 0 6 * * ?") or a classic five-field one ("0 6 * * *"), in <paramref name="timeZone"/> (IANA or Windows
    /// id). <paramref name="args"/> are the run's parameters as in chat (positional or name=value); declare the
    /// parameters first. <paramref name="conversation"/> is where the run's card is posted. After downtime a
    /// missed run starts once, late, and says so.
    /// </summary>
    public void Schedule(
        string cron,
        string timeZone = "UTC",
        IReadOnlyList<string>? args = null,
        string? conversation = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
    {
        var parsed = ParameterArguments.Parse(_parameters, args ?? []);
        var problems = parsed.Errors.ToList();
        if (parsed.Ok)
        {
            problems.AddRange(ParameterBinder.Bind(_parameters, parsed.Values, out _));
        }

        foreach (var problem in problems)
        {
            Problem(file, line, $"schedule '{cron}': {problem}");
        }

        if (problems.Count == 0)
        {
            Builder.Schedule(new ScheduleSpec(cron, timeZone, parsed.Values, conversation) { Source = new SourceLocation(Path.GetFileName(file), line) });
        }
    }
}
