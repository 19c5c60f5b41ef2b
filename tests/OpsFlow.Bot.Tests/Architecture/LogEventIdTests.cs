using System.Reflection;
using Microsoft.Extensions.Logging;

namespace OpsFlow.Bot.Tests.Architecture;

/// <summary>
/// An event id names one kind of log line across the whole product: alerts and log queries select by it, so two
/// lines sharing an id make one of them invisible or wrongly counted. The source generator checks one class only.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLoggerMessage_InEveryOpsFlowAssembly_HasAnEventIdOfItsOwn()
    {
        var messages = ProductAssemblies.All()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (Id: m.Attribute!.EventId, Name: $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}"))
            .ToArray();

        Assert.True(messages.Length > 100, $"found only {messages.Length} [LoggerMessage] methods: the scan is looking in the wrong place");
        var shared = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}").ToArray();
        Assert.True(shared.Length == 0, "log event ids used more than once:\n" + string.Join("\n", shared));
        Assert.DoesNotContain(messages, m => m.Id == 0);
    }
}
