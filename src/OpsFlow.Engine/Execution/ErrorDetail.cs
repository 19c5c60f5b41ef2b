using System.Text;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// What a step's exception says for whoever debugs it: type, message and the stack frames down to the step boundary
/// (a script's frames carry its file and line, since scripts compile with their paths and debug information), then
/// the same for each inner exception. The engine's own frames below the step add nothing for a script author.
/// </summary>
internal static class ErrorDetail
{
    public const int MaxLength = 8_000;

    private const string Boundary = "OpsFlow.Engine.Execution.";

    public static string Of(Exception exception)
    {
        var text = new StringBuilder();
        for (var (current, depth) = (exception, 0); current is not null && depth < 5; (current, depth) = (current.InnerException, depth + 1))
        {
            if (depth > 0)
            {
                text.Append("--- caused by ");
            }

            text.Append(current.GetType().FullName).Append(": ").AppendLine(current.Message);
            foreach (var frame in (current.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (frame.Contains(Boundary, StringComparison.Ordinal))
                {
                    break;
                }

                text.Append("   ").AppendLine(frame);
            }
        }

        return text.Length <= MaxLength ? text.ToString().TrimEnd() : string.Concat(text.ToString().AsSpan(0, MaxLength), "… (cut)");
    }
}
