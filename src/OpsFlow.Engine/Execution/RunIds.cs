using System.Security.Cryptography;

namespace OpsFlow.Engine.Execution;

/// <summary>Run ids people can type in chat: 10 characters of Crockford base32 (50 random bits).</summary>
public static class RunIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 10);
}
