using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;

namespace OpsFlow.Scripting;

/// <summary>
/// C# source text for reflected types and constants, for the editor globals. Names are written with global:: so that
/// a script's own types, or a namespace the editor imports and the server does not, cannot change what they mean.
/// </summary>
internal static class CSharpNames
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char",
        [typeof(decimal)] = "decimal", [typeof(double)] = "double", [typeof(float)] = "float", [typeof(int)] = "int",
        [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(short)] = "short",
        [typeof(ushort)] = "ushort", [typeof(object)] = "object", [typeof(string)] = "string", [typeof(void)] = "void",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    /// <summary>The type as written in source, with <c>?</c> where <paramref name="nullability"/> says it may be null.</summary>
    public static string Type(Type type, NullabilityInfo? nullability)
    {
        if (type.IsByRef)
        {
            return Type(type.GetElementType()!, nullability);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Type(underlying, nullability?.GenericTypeArguments.FirstOrDefault()) + "?";
        }

        var nullable = !type.IsValueType && nullability?.ReadState == NullabilityState.Nullable ? "?" : "";
        if (type.IsArray)
        {
            return $"{Type(type.GetElementType()!, nullability?.ElementType)}[{new string(',', type.GetArrayRank() - 1)}]{nullable}";
        }

        if (type.IsGenericParameter)
        {
            return type.Name + nullable;
        }

        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword + nullable;
        }

        return Named(type, nullability) + nullable;
    }

    /// <summary>A default value as a C# constant expression of <paramref name="type"/>.</summary>
    public static string Constant(object? value, Type type) => value switch
    {
        null or DBNull or Missing => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? "default" : "null",
        string text => SymbolDisplay.FormatLiteral(text, quote: true),
        char letter => SymbolDisplay.FormatLiteral(letter, quote: true),
        bool flag => flag ? "true" : "false",
        Enum member => $"({Type(member.GetType(), null)}){Convert.ToInt64(member, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}",
        float single => single.ToString("R", CultureInfo.InvariantCulture) + "f",
        double number => number.ToString("R", CultureInfo.InvariantCulture) + "d",
        decimal money => money.ToString(CultureInfo.InvariantCulture) + "m",
        IFormattable whole => whole.ToString(null, CultureInfo.InvariantCulture),
        _ => "default",
    };

    /// <summary>An identifier, escaped with @ when it is a keyword (a parameter named `checked`).</summary>
    public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string Named(Type type, NullabilityInfo? nullability)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        var outer = type.IsNested ? Named(type.DeclaringType!, null) : "global::" + (type.Namespace is { Length: > 0 } ns ? ns + "." : "");
        var separator = type.IsNested ? "." : "";
        if (!type.IsGenericType || tick < 0)
        {
            return outer + separator + name;
        }

        var arguments = type.GetGenericArguments();
        var nullabilities = nullability?.GenericTypeArguments;
        var written = arguments.Select((argument, i) => Type(argument, nullabilities is { } n && i < n.Length ? n[i] : null));
        return $"{outer}{separator}{name}<{string.Join(", ", written)}>";
    }
}
