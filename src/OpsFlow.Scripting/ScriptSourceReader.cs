using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>
/// Reads a script and the files it #loads from the workflows folder. Parsing is cheap (no compilation), so the
/// hash, and with it the compile cache, is known before Roslyn compiles anything.
/// </summary>
internal static class ScriptSourceReader
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    public static ScriptSource Read(string root, string entryPath, out IReadOnlyList<ScriptProblem> problems)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var found = new List<ScriptProblem>();
        var pending = new Queue<string>([entryPath]);
        while (pending.Count > 0)
        {
            var relative = pending.Dequeue();
            if (files.ContainsKey(relative))
            {
                continue;
            }

            var text = File.ReadAllText(Path.Combine(root, relative));
            files[relative] = text;
            foreach (var (target, line, column) in LoadDirectives(relative, text))
            {
                var resolved = ScriptPaths.Resolve(relative, target);
                if (ScriptPaths.IsEditorGlobals(resolved))
                {
                    // Editor-only: compiled as empty, so neither its presence nor its machine-specific paths belong in the hash.
                    continue;
                }

                if (resolved is null)
                {
                    found.Add(new ScriptProblem(relative, line, column, $"#load \"{target}\" leaves the workflows folder; shared scripts must live under it."));
                }
                else if (!File.Exists(Path.Combine(root, resolved)))
                {
                    found.Add(new ScriptProblem(relative, line, column, $"#load \"{target}\": no file {resolved} in the workflows folder."));
                }
                else
                {
                    pending.Enqueue(resolved);
                }
            }
        }

        problems = found;
        return new ScriptSource(entryPath, files);
    }

    private static IEnumerable<(string Target, int Line, int Column)> LoadDirectives(string path, string text)
    {
        var tree = CSharpSyntaxTree.ParseText(text, ParseOptions, path);
        foreach (var directive in ((CompilationUnitSyntax)tree.GetRoot()).GetLoadDirectives())
        {
            var span = directive.GetLocation().GetLineSpan();
            yield return (directive.File.ValueText, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
        }
    }
}
