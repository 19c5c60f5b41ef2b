using System.Reflection;

namespace OpsFlow.Bot.Tests.Architecture;

/// <summary>The product's own assemblies (src/), as the host loads them: everything the host references, transitively.</summary>
internal static class ProductAssemblies
{
    public static IReadOnlyList<Assembly> All()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(Program).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(IsProduct))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        return [.. found.Values.OrderBy(a => a.GetName().Name, StringComparer.Ordinal)];
    }

    public static bool IsProduct(AssemblyName name) => name.Name?.StartsWith("OpsFlow.", StringComparison.Ordinal) == true;
}
