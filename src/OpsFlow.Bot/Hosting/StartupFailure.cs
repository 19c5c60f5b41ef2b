using Microsoft.Extensions.Options;

namespace OpsFlow.Bot.Hosting;

/// <summary>A setting the host cannot run with: the start is refused with what to change.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);

/// <summary>
/// Turns a refused start (a setting that fails validation, an unauthenticated host on a network) into one clear
/// message on standard error and exit code 78 (EX_CONFIG), instead of an unhandled exception, a stack trace and an
/// abort. A service manager can tell it from a crash and stop restarting (systemd: RestartPreventExitStatus=78).
/// </summary>
public static class StartupFailure
{
    public const int ConfigurationExitCode = 78;

    public static async Task<int> RunAsync(Func<Task> host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host();
            return 0;
        }
        catch (Exception ex) when (Refusal(ex) is { } message)
        {
            await Console.Error.WriteLineAsync(message);
            return ConfigurationExitCode;
        }
    }

    /// <summary>The message for a refused start, or null for any other failure (which stays a crash, loudly).</summary>
    public static string? Refusal(Exception exception) => exception switch
    {
        StartupRefusedException refused => refused.Message,
        OptionsValidationException invalid => Settings(invalid),
        AggregateException all when all.InnerExceptions.Count > 0 && all.InnerExceptions.All(e => e is OptionsValidationException) =>
            Settings([.. all.InnerExceptions.Cast<OptionsValidationException>()]),
        _ => null,
    };

    private static string Settings(params OptionsValidationException[] failures) =>
        "OpsFlow refuses to start; change these settings (appsettings.json, the environment or the command line):"
        + string.Concat(failures.SelectMany(f => f.Failures).Select(f => $"{Environment.NewLine}  - {f}"));
}
