using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using OpsFlow.Engine.Definitions;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting.Tests;

/// <summary>
/// Why this class exists: workflow scripts in every team's repository compile against this surface, so a change
/// breaks them. It must never change by accident. A deliberate change: run with OPSFLOW_UPDATE_GOLDEN=1, review
/// the diff of Golden/script-api.txt, and say in the change log what scripts must do.
/// </summary>
public sealed class ScriptApiSurfaceTests
{
    /// <summary>What a script touches: the globals, the helpers, and the engine types it gets or returns.</summary>
    private static readonly Type[] EngineTypes =
    [
        typeof(StepDeclaration), typeof(StepDeclaration<>), typeof(StepBuilder), typeof(ApprovalBuilder), typeof(CheckpointBuilder), typeof(TypedText), typeof(StepContext), typeof(ConditionContext), typeof(ParameterValues),
    ];

    [Fact]
    public void ScriptApi_PublicSurface_MatchesTheGoldenFile()
    {
        var surface = Describe(typeof(WorkflowScript).Assembly.GetExportedTypes().Concat(EngineTypes));

        var golden = GoldenPath();
        if (Environment.GetEnvironmentVariable("OPSFLOW_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, surface);
        }

        Assert.True(File.Exists(golden), $"No golden file at {golden}; run once with OPSFLOW_UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(File.ReadAllText(golden), surface);
    }

    [Fact]
    public void ScriptApi_Imports_CoverEveryNamespaceScriptsNeed() =>
        Assert.Superset(
            new HashSet<string> { typeof(WorkflowScript).Namespace!, typeof(StepContext).Namespace!, "System.Threading.Tasks" },
            ScriptCompiler.Imports.ToHashSet());

    private static string Describe(IEnumerable<Type> types)
    {
        var text = new StringBuilder();
        foreach (var type in types.Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Kind(type)).Append(' ').Append(type.FullName).Append('\n');
            var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Where(m => m.DeclaringType != typeof(object) && !IsRecordPlumbing(m))
                .Select(Member)
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                text.Append("  ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";

    private static bool IsRecordPlumbing(MemberInfo member) =>
        member.Name is "<Clone>$" or "EqualityContract" or "Deconstruct" or "PrintMembers" or "Equals" or "GetHashCode" or "ToString";

    private static string Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c.GetParameters())})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}{Generic(m)}({Parameters(m.GetParameters())})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : "")}{(p.SetMethod?.IsPublic == true ? " set;" : "")} }}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {t.Name}",
        _ => member.ToString() ?? member.Name,
    };

    private static string Generic(MethodInfo method) =>
        method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : "";

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
    {
        var attributes = p.GetCustomAttribute<CallerFilePathAttribute>() is not null ? "[CallerFilePath] "
            : p.GetCustomAttribute<CallerLineNumberAttribute>() is not null ? "[CallerLineNumber] "
            : p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "";
        var optional = p.HasDefaultValue ? $" = {p.DefaultValue ?? "null"}" : "";
        var self = p.Position == 0 && p.Member.IsDefined(typeof(ExtensionAttribute)) ? "this " : "";
        return $"{self}{attributes}{Name(p.ParameterType)} {p.Name}{optional}";
    }));

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Name(inner) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }

    private static string GoldenPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Golden", "script-api.txt");
}
