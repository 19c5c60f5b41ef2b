namespace OpsFlow.Persistence.Tests;

/// <summary>The assumption the audit log's SQL prefilter rests on (see AuditPrefilter): it must hold on every .NET it runs on.</summary>
public sealed class AuditPrefilterTests
{
    [Fact]
    public void OutsideAscii_NoCharacter_EqualsAnAsciiOneIgnoringCase()
    {
        var found = new List<string>();
        for (var c = 0x80; c <= 0xFFFF; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }

            var text = ((char)c).ToString();
            for (var a = 0x20; a < 0x7F; a++)
            {
                if (string.Equals(text, ((char)a).ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    found.Add($"U+{c:X4} ~ '{(char)a}'");
                }
            }
        }

        // Not even ı (I) or ſ (S), whose upper case is ASCII: ordinal comparison leaves them alone.
        Assert.True(found.Count == 0, $"these equal an ASCII character ignoring case, so an ASCII filter must fold them in SQL too: {string.Join(", ", found)}");
    }
}
