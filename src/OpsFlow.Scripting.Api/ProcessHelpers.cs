using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>What a finished process returned. <see cref="Output"/> keeps the last 64 KiB of stdout.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Errors);

/// <summary>A process exited with a code the step did not accept.</summary>
public sealed class ProcessFailedException(string message) : Exception(message);

/// <summary>Running programs from a step: an argv list, never a shell string built from input.</summary>
public static class ProcessHelpers
{
    private const int KeptOutput = 64 * 1024;

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> passed as separate arguments (no shell,
    /// so user input cannot inject commands). Stdout lines go to the step log, stderr lines as warnings. Its CPU time
    /// and peak memory, its own children included, go to the step's record (<see cref="ProcessMeter"/>). A non-zero
    /// exit code fails the step unless <paramref name="checkExitCode"/> is false. On cancel or timeout the process
    /// and all its children are killed. The process gets a clean environment: <see cref="InheritedVariables"/> of the
    /// host's, then <paramref name="environment"/>.
    /// </summary>
    public static async Task<ProcessResult> Run(
        this StepContext ctx,
        string program,
        IReadOnlyList<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        bool checkExitCode = true)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var token = ctx.CancellationToken;
        token.ThrowIfCancellationRequested();
        var output = new TailBuffer(KeptOutput);
        var errors = new TailBuffer(KeptOutput);
        ctx.Log($"$ {CommandLine(program, arguments)}");
        var exitCode = await ctx.Machine().RunAsync(
            ctx,
            new ProcessCall(program, arguments, workingDirectory, environment),
            line =>
            {
                output.AppendLine(line);
                ctx.Log(line);
            },
            line =>
            {
                errors.AppendLine(line);
                ctx.LogWarning(line);
            });

        token.ThrowIfCancellationRequested();
        var result = new ProcessResult(exitCode, output.ToString(), errors.ToString());
        if (checkExitCode && result.ExitCode != 0)
        {
            var tail = LastLines(result.Errors.Length > 0 ? result.Errors : result.Output, 5);
            throw new ProcessFailedException($"`{CommandLine(program, arguments)}` exited with code {result.ExitCode}{(tail.Length > 0 ? ": " + tail : "")}");
        }

        return result;
    }

    /// <summary>The command as a person would type it, arguments with spaces quoted; for logs only.</summary>
    public static string CommandLine(string program, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { program }.Concat(arguments).Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"\"{a}\"" : a));

    /// <summary>
    /// The host's variables a step's process inherits: where programs and the home folder are, the locale, the time
    /// zone, the temporary folder, the .NET and NuGet folders and the CA bundle. Nothing else: the host's environment
    /// carries its credentials (the Teams app password, the sign-in secret, the database password, OpsFlow__Secrets__*),
    /// and a deploy tool that prints its environment would put them in the step log.
    /// </summary>
    public static readonly IReadOnlySet<string> InheritedVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR",
        "DOTNET_ROOT", "DOTNET_CLI_HOME", "NUGET_PACKAGES", "SSL_CERT_FILE", "SSL_CERT_DIR",
    };

    internal static ProcessStartInfo StartInfo(string program, IReadOnlyList<string> arguments, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.ToArray())
        {
            if (!Inherited(name))
            {
                info.Environment.Remove(name);
            }
        }

        // What the script passes is its explicit choice, credentials included (ctx.Secret values stay masked in logs).
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static bool Inherited(string name) => InheritedVariables.Contains(name) || name.StartsWith("LC_", StringComparison.Ordinal);

    internal static void StartOrExplain(Process process, string program)
    {
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ProcessFailedException($"could not start '{program}': {ex.Message}. Is it installed and on PATH?");
        }
    }

    internal static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited already.
        }
    }

    internal static string LastLines(string text, int count) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(count));
}

/// <summary>Keeps the end of a long output, which is where the error usually is.</summary>
internal sealed class TailBuffer(int limit)
{
    private readonly StringBuilder _text = new();

    public void AppendLine(string line)
    {
        lock (_text)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > limit)
            {
                _text.Remove(0, _text.Length - limit);
            }
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
