namespace OpsFlow.Bot.Playground;

/// <summary>
/// The Microsoft 365 Agents Playground the host starts for local development (section "OpsFlow:Playground").
/// It starts only when <see cref="Enabled"/> is true (appsettings.json sets it; the code default is off, so test
/// hosts and anything not configured for development never spawn it), no Teams app id is configured (the
/// Playground sends no tokens, which a production bot refuses), and the host listens on a real http address.
/// </summary>
public sealed class PlaygroundOptions
{
    public bool Enabled { get; set; }

    /// <summary>The port of the Playground's web UI; when taken, the Playground picks a free one and we log that.</summary>
    public int Port { get; set; } = 56150;

    /// <summary>The folder holding package.json and node_modules, relative to the content root (the repository root under dotnet run).</summary>
    public string PackagePath { get; set; } = Path.Combine("src", "OpsFlow.Bot", "Playground");

    /// <summary>Its working folder: it writes devTools logs there and reads its mock users and chats from there.</summary>
    public string WorkingPath { get; set; } = Path.Combine("data", "playground");

    /// <summary>How long it may take to answer its ping before the host gives up on it (the host itself keeps running).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
