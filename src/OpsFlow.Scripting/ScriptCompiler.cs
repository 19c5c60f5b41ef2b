using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;
using OpsFlow.Engine.Definitions;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>The compiled form of a script: a PE image and its portable PDB (for line numbers in stack traces).</summary>
internal sealed record CompiledImage(byte[] Assembly, byte[] Symbols);

/// <summary>
/// Compiles a script with Roslyn and emits the bytes itself, instead of letting Roslyn's script runner load them:
/// that loader never unloads a script (3–4 MB each), while our bytes go into a collectible context.
/// </summary>
internal static class ScriptCompiler
{
    /// <summary>Namespaces every script can use without a using directive.</summary>
    public static readonly ImmutableArray<string> Imports =
    [
        "System", "System.Collections.Generic", "System.Globalization", "System.IO", "System.Linq", "System.Net.Http",
        "System.Text", "System.Text.RegularExpressions", "System.Threading", "System.Threading.Tasks",
        "OpsFlow.Engine.Definitions", "OpsFlow.Scripting.Api",
    ];

    /// <summary>
    /// The assemblies, besides the runtime's own, that scripts compile against: what an editor must reference too
    /// (<see cref="EditorGlobals"/>).
    /// </summary>
    public static IReadOnlyList<string> ApiAssemblies { get; } = [typeof(StepContext).Assembly.Location, typeof(WorkflowScript).Assembly.Location];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>
    /// Scripts are compiled for debugging, not speed. Their code is glue around steps that wait on processes and
    /// networks, and what an author needs is the script line of every exception. Methods of a collectible assembly are
    /// jitted fully optimized at once (no tier 0), so an optimized script lets the JIT inline the API's small builder
    /// methods (`.Required(2)`) into it, and the throw's frame then maps to no line at all: a Release host reported
    /// line 0 where a Debug host, whose API assembly may not be inlined, reported the right one.
    /// </summary>
    internal const OptimizationLevel Optimization = OptimizationLevel.Debug;

    /// <summary>What, besides the source, decides the compiled bytes: part of the cache key.</summary>
    public static string Identity { get; } = string.Join(
        "|",
        Optimization,
        typeof(CSharpCompilation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        typeof(WorkflowScript).Assembly.ManifestModule.ModuleVersionId,
        typeof(StepContext).Assembly.ManifestModule.ModuleVersionId,
        Environment.Version);

    /// <summary>The script's compilation, before any check: for emitting, and for reading what its steps use.</summary>
    public static Compilation CreateCompilation(ScriptSource source) =>
        CSharpScript.Create(source.EntryText, Options(source), typeof(WorkflowScript)).GetCompilation();

    internal static ScriptOptions Options(ScriptSource source) => ScriptOptions.Default
        .WithReferences(References.Value)
        .WithImports(Imports)
        .WithSourceResolver(new BundleSourceResolver(source))
        .WithMetadataResolver(NoReferenceResolver.Instance)
        .WithFilePath(source.EntryPath)
        .WithEmitDebugInformation(true)
        .WithOptimizationLevel(Optimization)
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithFileEncoding(System.Text.Encoding.UTF8);

    /// <summary>Compiles; on errors returns null and every error with file, line and column.</summary>
    public static CompiledImage? Compile(ScriptSource source, out IReadOnlyList<ScriptProblem> problems, CancellationToken cancellationToken)
    {
        var compilation = CreateCompilation(source);
        var errors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            problems = errors.Select(ToProblem).Distinct().OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ThenBy(p => p.Column).ToArray();
            return null;
        }

        using var assembly = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(assembly, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb), cancellationToken: cancellationToken);
        if (!result.Success)
        {
            problems = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(ToProblem).ToArray();
            return null;
        }

        problems = [];
        return new CompiledImage(assembly.ToArray(), symbols.ToArray());
    }

    internal static ScriptProblem ToProblem(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        var file = string.IsNullOrEmpty(span.Path) ? "(script)" : span.Path;
        return new ScriptProblem(file, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, $"error {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// The runtime's own System.* assemblies plus the engine and the script API: scripts are plain C# with the
    /// base library, nothing from the host (no ASP.NET, no EF Core, no Roslyn).
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"));
        return [.. framework
            .Concat(ApiAssemblies)
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    /// <summary>Refuses #r: a script's dependencies would not be part of its hash, snapshot or cache key.</summary>
    private sealed class NoReferenceResolver : MetadataReferenceResolver
    {
        public static NoReferenceResolver Instance { get; } = new();

        public override bool Equals(object? other) => other is NoReferenceResolver;

        public override int GetHashCode() => 1;

        public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) => [];
    }
}
