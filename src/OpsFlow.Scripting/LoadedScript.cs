using System.Reflection;
using System.Runtime.Loader;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>
/// A compiled script loaded into its own collectible context. Unloading it lets the runtime free the code once no
/// run still holds a delegate from it; the engine and script API resolve from the default context, shared by all.
/// </summary>
internal sealed class LoadedScript
{
    private readonly AssemblyLoadContext _context;
    private readonly Func<object?[], Task<object>> _factory;

    private LoadedScript(string hash, AssemblyLoadContext context, Assembly assembly, Func<object?[], Task<object>> factory)
    {
        Hash = hash;
        _context = context;
        Assembly = assembly;
        _factory = factory;
    }

    public string Hash { get; }

    public Assembly Assembly { get; }

    public static LoadedScript Load(string hash, CompiledImage image)
    {
        var context = new AssemblyLoadContext($"opsflow-script-{hash[..12]}", isCollectible: true);
        using var assembly = new MemoryStream(image.Assembly, writable: false);
        using var symbols = new MemoryStream(image.Symbols, writable: false);
        var loaded = context.LoadFromStream(assembly, symbols);

        // A script compiles to a "submission" class whose static <Factory>(object[] submissions) runs the script
        // body; slot 0 holds the globals object, slot 1 receives the submission instance.
        var factory = loaded.GetTypes()
            .Select(t => t.GetMethod("<Factory>", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .FirstOrDefault(m => m is not null)
            ?? throw new InvalidOperationException($"The compiled script {hash} has no <Factory> entry point.");
        return new LoadedScript(hash, context, loaded, factory.CreateDelegate<Func<object?[], Task<object>>>());
    }

    /// <summary>Runs the script body, which declares the graph on <paramref name="globals"/>.</summary>
    public Task RunAsync(WorkflowScript globals) => _factory([globals, null]);

    public void Unload() => _context.Unload();
}
