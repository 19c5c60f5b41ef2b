namespace OpsFlow.Scripting.Api.Testing;

/// <summary>
/// What a faked program (on this machine or a node) does when it runs: exit with a code and print lines, or run the
/// test's own code (create the folder a real build would, count calls). The newest rule that matches wins, so a test
/// can declare a general answer first and a particular one after it. A rule matches the program (its path or file
/// name) and the first arguments given, <see cref="Any"/> standing for any one of them.
/// </summary>
public sealed class CommandRule
{
    /// <summary>In a rule's arguments, matches any one argument: <c>OnRun("sh", "-c", "*", "switch")</c>.</summary>
    public const string Any = "*";

    private Func<ProcessCall, int> _action = _ => 0;
    private string _output = "";
    private string _errors = "";

    internal CommandRule(string program, IReadOnlyList<string> argumentsStart)
    {
        Program = program;
        ArgumentsStart = argumentsStart;
    }

    public string Program { get; }

    public IReadOnlyList<string> ArgumentsStart { get; }

    /// <summary>How many calls this rule answered.</summary>
    public int Calls { get; private set; }

    /// <summary>Exits with <paramref name="code"/> after printing <paramref name="output"/> (stdout) and <paramref name="errors"/> (stderr).</summary>
    public CommandRule Exits(int code, string output = "", string errors = "")
    {
        _action = _ => code;
        _output = output;
        _errors = errors;
        return this;
    }

    /// <summary>Runs <paramref name="action"/> instead (it may create files, print nothing); exits 0.</summary>
    public CommandRule Does(Action<ProcessCall> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Does(call =>
        {
            action(call);
            return 0;
        });
    }

    /// <summary>Runs <paramref name="action"/> instead; its result is the exit code.</summary>
    public CommandRule Does(Func<ProcessCall, int> action)
    {
        _action = action ?? throw new ArgumentNullException(nameof(action));
        _output = "";
        _errors = "";
        return this;
    }

    internal bool Matches(ProcessCall call) =>
        (string.Equals(call.Program, Program, StringComparison.Ordinal) || string.Equals(Path.GetFileName(call.Program), Program, StringComparison.Ordinal))
        && call.Arguments.Count >= ArgumentsStart.Count
        && ArgumentsStart.Select((argument, index) => argument == Any || string.Equals(call.Arguments[index], argument, StringComparison.Ordinal)).All(same => same);

    internal int Answer(ProcessCall call, Action<string> output, Action<string> errors)
    {
        Calls++;
        var code = _action(call);
        foreach (var line in Lines(_output))
        {
            output(line);
        }

        foreach (var line in Lines(_errors))
        {
            errors(line);
        }

        return code;
    }

    internal static int NotFaked(ProcessCall call, string where, string hint, Action<string> errors)
    {
        errors($"opsflow test: nothing fakes `{call}` {where}; declare it, e.g. {hint}");
        return 127;
    }

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
