using System.Reflection;
using System.Runtime.CompilerServices;

namespace OpsFlow.Scripting;

/// <summary>
/// Top-level script declarations with the signatures of a host object's public instance members, so that a script
/// compiled without the host object (in an editor) binds the same calls. Bodies throw: they are never run.
/// Caller-info parameters keep their defaults and lose their attributes, which only matter to the real call.
/// </summary>
internal static class HostObjectDeclarations
{
    private const BindingFlags Members = BindingFlags.Public | BindingFlags.Instance;

    public static IEnumerable<string> For(Type host)
    {
        var nullability = new NullabilityInfoContext();
        var properties = host.GetProperties(Members)
            .Where(p => p.DeclaringType != typeof(object) && p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => Property(p, nullability));
        var methods = host.GetMethods(Members)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType != typeof(object))
            .Select(m => (m.Name, Text: Method(m, nullability)))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Text, StringComparer.Ordinal)
            .Select(m => m.Text);
        return properties.Concat(methods);
    }

    private static string Property(PropertyInfo property, NullabilityInfoContext nullability)
    {
        var type = CSharpNames.Type(property.PropertyType, nullability.Create(property));
        return property.SetMethod is { IsPublic: true }
            ? $"{type} {property.Name} {{ get => throw null!; set => throw null!; }}"
            : $"{type} {property.Name} => throw null!;";
    }

    private static string Method(MethodInfo method, NullabilityInfoContext nullability)
    {
        var returns = CSharpNames.Type(method.ReturnType, nullability.Create(method.ReturnParameter));
        var generic = method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : "";
        var parameters = string.Join(", ", method.GetParameters().Select(p => Parameter(p, nullability)));
        var constraints = method.IsGenericMethodDefinition ? string.Concat(method.GetGenericArguments().Select(Constraint)) : "";
        return $"{returns} {method.Name}{generic}({parameters}){constraints} => throw null!;";
    }

    private static string Parameter(ParameterInfo parameter, NullabilityInfoContext nullability)
    {
        var modifier = parameter.ParameterType.IsByRef
            ? parameter.IsOut ? "out " : parameter.IsIn ? "in " : "ref "
            : parameter.IsDefined(typeof(ParamArrayAttribute)) || parameter.IsDefined(typeof(ParamCollectionAttribute)) ? "params " : "";
        var text = $"{modifier}{CSharpNames.Type(parameter.ParameterType, nullability.Create(parameter))} {CSharpNames.Identifier(parameter.Name!)}";
        return parameter.HasDefaultValue ? $"{text} = {CSharpNames.Constant(parameter.DefaultValue, parameter.ParameterType)}" : text;
    }

    private static string Constraint(Type argument)
    {
        var attributes = argument.GenericParameterAttributes;
        var isStruct = attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint);
        var parts = new List<string>();
        if (isStruct)
        {
            parts.Add("struct");
        }
        else if (attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint))
        {
            parts.Add("class");
        }

        // A struct constraint shows up as System.ValueType too; C# spells it once.
        parts.AddRange(argument.GetGenericParameterConstraints().Where(c => !(isStruct && c == typeof(ValueType))).Select(c => CSharpNames.Type(c, null)));
        if (attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint) && !isStruct)
        {
            parts.Add("new()");
        }

        return parts.Count == 0 ? "" : $" where {argument.Name} : {string.Join(", ", parts)}";
    }
}
