using System.Runtime.CompilerServices;

namespace OpsFlow.Scripting.Api.Testing;

/// <summary>A test a file declared: its name, body and line.</summary>
public sealed record DeclaredTest(string Name, Func<WorkflowTest, Task> Body, string File, int Line);

/// <summary>
/// What a test file (<c>workflows/tests/*.tests.csx</c>) calls as if it were its own: <see cref="Test"/>, once per
/// test. The file only declares; <c>opsflow test</c> runs each test on its own fresh OpsFlow (database, clock, fakes).
/// </summary>
public sealed class WorkflowTests
{
    private readonly List<DeclaredTest> _declared = [];

    /// <summary>The tests the file declared, in order: read by the runner.</summary>
    public IReadOnlyList<DeclaredTest> Declared => _declared;

    /// <summary>Declares a test: <paramref name="body"/> sets up the fakes, starts runs and checks what happened.</summary>
    public void Test(string name, Func<WorkflowTest, Task> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(body);
        if (_declared.Any(t => string.Equals(t.Name, name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"two tests are called '{name}'; give each its own name", nameof(name));
        }

        _declared.Add(new DeclaredTest(name, body, file, line));
    }
}
