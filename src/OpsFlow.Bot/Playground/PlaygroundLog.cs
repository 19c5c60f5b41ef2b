namespace OpsFlow.Bot.Playground;

internal static partial class PlaygroundLog
{
    [LoggerMessage(EventId = 4400, Level = LogLevel.Information, Message = "The Agents Playground is not started: OpsFlow:Teams:AppId is set, and the Playground sends no tokens. Set OpsFlow:Playground:Enabled=false to silence this")]
    public static partial void SkippedForAppId(ILogger logger);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "The Agents Playground is not started: the host has no http address to point it at")]
    public static partial void SkippedNoAddress(ILogger logger);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "The Agents Playground is not available: {Problem} To chat with OpsFlow locally: {Remedy}")]
    public static partial void Unavailable(ILogger logger, string problem, string remedy);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Information, Message = "Starting the Agents Playground on port {Port} for {Endpoint} in {WorkingFolder}")]
    public static partial void Starting(ILogger logger, int port, string endpoint, string workingFolder);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Warning, Message = "\n\n    Chat with OpsFlow in the Agents Playground: {Url}\n")]
    public static partial void Ready(ILogger logger, string url);

    [LoggerMessage(EventId = 4405, Level = LogLevel.Warning, Message = "The Agents Playground did not answer within {Timeout}; it is stopped. Its output: {Output}")]
    public static partial void NotReady(ILogger logger, TimeSpan timeout, string output);

    [LoggerMessage(EventId = 4406, Level = LogLevel.Warning, Message = "The Agents Playground exited with code {ExitCode}. Its output: {Output}")]
    public static partial void Exited(ILogger logger, int exitCode, string output);

    [LoggerMessage(EventId = 4407, Level = LogLevel.Information, Message = "Stopped the Agents Playground")]
    public static partial void Stopped(ILogger logger);
}
