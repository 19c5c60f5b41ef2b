using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Auth;

/// <summary>
/// No app id configured (local development with the Agents Playground, which sends no token): every request is
/// accepted. The host logs this loudly at start; never run it this way where Teams can reach it.
/// </summary>
public sealed class DevelopmentAuthenticator : IInboundAuthenticator, IBotTokenSource
{
    public Task<AuthenticationResult> AuthenticateAsync(string? authorizationHeader, Activity activity, CancellationToken cancellationToken = default) =>
        Task.FromResult(AuthenticationResult.Ok);

    public ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(null);
}
