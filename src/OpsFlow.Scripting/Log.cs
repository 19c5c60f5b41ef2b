using Microsoft.Extensions.Logging;

namespace OpsFlow.Scripting;

internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "Compiled {Script} ({Hash}) in {Milliseconds:0} ms")]
    public static partial void Compiled(ILogger logger, string script, string hash, double milliseconds);

    [LoggerMessage(2001, LogLevel.Warning, "The compiled-script cache file {Path} could not be read; compiling instead")]
    public static partial void CacheUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(2002, LogLevel.Warning, "The compiled-script cache folder {Path} cannot be written; scripts will be compiled at every start")]
    public static partial void CacheUnwritable(ILogger logger, Exception exception, string path);

    [LoggerMessage(2003, LogLevel.Information, "Loaded workflow {Workflow} from {Script} ({Hash})")]
    public static partial void Loaded(ILogger logger, string workflow, string script, string hash);

    [LoggerMessage(2004, LogLevel.Error, "{Script} cannot be loaded; {Kept}. Problems:{Problems}")]
    public static partial void LoadFailed(ILogger logger, string script, string kept, string problems);

    [LoggerMessage(2005, LogLevel.Information, "Workflow {Workflow} removed: {Script} is gone")]
    public static partial void Removed(ILogger logger, string workflow, string script);

    [LoggerMessage(2006, LogLevel.Information, "Workflows folder {Path}: {Count} workflows loaded in {Milliseconds:0} ms, {Problems} files with problems")]
    public static partial void Scanned(ILogger logger, string path, int count, double milliseconds, int problems);

    [LoggerMessage(2007, LogLevel.Error, "Reloading the workflows folder failed")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);
}
