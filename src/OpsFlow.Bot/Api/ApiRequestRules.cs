using OpsFlow.Engine.Model;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Two rules every API endpoint keeps, whoever the caller (docs/security.md): reading needs the viewer role, so a
/// <c>DefaultRole</c> below viewer really keeps strangers out; and a call that changes something must say its body is
/// JSON. A cross-site HTML form can only send form or text bodies, and a browser asks the server before it sends JSON
/// across sites, so another web page cannot drive the API with the visitor's session. DELETE carries no body and is
/// never sent across sites without that question, so it needs no content type.
/// </summary>
internal sealed class ApiRequestRules(ActorDirectory directory) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            var caller = http.Caller(directory);
            if (!caller.HasRole(Roles.Viewer))
            {
                return Results.Problem(
                    $"Reading OpsFlow needs the viewer role, and {caller.Label} has none of it. Ask an admin to name you in OpsFlow:Access:Roles.",
                    statusCode: StatusCodes.Status403Forbidden);
            }
        }
        else if (!HttpMethods.IsDelete(method) && !http.Request.HasJsonContentType())
        {
            return Results.Problem(
                "Send this call as JSON: Content-Type: application/json, with {} as the body when there is nothing else to say.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        return await next(context);
    }
}
