namespace OpsFlow.Testing;

/// <summary>
/// The xunit trait that splits the fast inner loop from the rest:
/// <c>dotnet test OpsFlow.Bot.sln --filter "Category!=Slow"</c>. A class is <see cref="Slow"/> when it starts another
/// OS process, a browser, a real PostgreSQL (initdb) or <c>dotnet publish</c>; mark it with
/// <c>[Trait(Categories.Name, Categories.Slow)]</c> so every slow class is one grep away.
/// </summary>
public static class Categories
{
    public const string Name = "Category";

    public const string Slow = "Slow";
}
