using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace OpsFlow.Bot.Api;

/// <summary>
/// Reads a request's JSON body ourselves, so a malformed one gets a 400 that says where it is wrong, and is
/// not logged as a server error (it is the client's mistake, and an expected one).
/// </summary>
internal static class JsonBody
{
    /// <summary>Bodies larger than this are refused: commands are small.</summary>
    private const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, bool optional, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is > MaxBytes)
        {
            return (null, RunEndpoints.Problem(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBytes / 1024} KiB; commands are small JSON objects."));
        }

        // Read at most one byte past the limit, so a huge chunked body is refused without being read whole.
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while (buffer.Length <= MaxBytes && (read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length > MaxBytes)
        {
            return (null, RunEndpoints.Problem(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBytes / 1024} KiB; commands are small JSON objects."));
        }

        if (buffer.Length == 0)
        {
            return optional ? (null, null) : (null, RunEndpoints.Problem(StatusCodes.Status400BadRequest, "The request needs a JSON body."));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return (JsonSerializer.Deserialize<T>(buffer.ToArray(), options), null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null or "$" ? "the body" : ex.Path;
            var what = ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
                ? $"{where} has the wrong type."
                : $"{where} is not valid JSON: {FirstSentence(ex.Message)}";
            return (null, RunEndpoints.Problem(StatusCodes.Status400BadRequest, $"{what} Send a JSON object as the API documentation shows."));
        }
    }

    /// <summary>The parser's own words up to the first full stop; the rest is line and byte positions.</summary>
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
