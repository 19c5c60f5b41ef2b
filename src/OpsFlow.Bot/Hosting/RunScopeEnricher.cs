using Serilog.Core;
using Serilog.Events;

namespace OpsFlow.Bot.Hosting;

/// <summary>Renders the run id, step and attempt in scope as " {run=… step=… attempt=…}" for console lines.</summary>
internal sealed class RunScopeEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        var parts = new List<string>(3);
        Add(logEvent, "RunId", "run", parts);
        Add(logEvent, "Step", "step", parts);
        Add(logEvent, "Attempt", "attempt", parts);
        var text = parts.Count == 0 ? string.Empty : $" {{{string.Join(' ', parts)}}}";
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("RunScope", text));
    }

    private static void Add(LogEvent logEvent, string property, string label, List<string> parts)
    {
        if (logEvent.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: { } scalar })
        {
            parts.Add($"{label}={scalar}");
        }
    }
}
