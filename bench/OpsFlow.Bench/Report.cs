using System.Globalization;

namespace OpsFlow.Bench;

/// <summary>Collects figures and prints them as one table, each with its goal when it has one.</summary>
internal sealed class Report
{
    private readonly List<(string Name, string Value, string Goal, bool? Met)> _rows = [];

    public void Add(string name, double value, string unit, string goal = "", bool? met = null) =>
        _rows.Add((name, string.Create(CultureInfo.InvariantCulture, $"{value:0.###} {unit}"), goal, met));

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"OpsFlow engine benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {TimeProvider.System.GetUtcNow():yyyy-MM-dd}");
        var width = _rows.Max(r => r.Name.Length) + 2;
        foreach (var (name, value, goal, met) in _rows)
        {
            var verdict = met switch { true => "ok", false => "MISSED", null => string.Empty };
            Console.WriteLine($"  {name.PadRight(width)}{value,16}   {goal,-14} {verdict}");
        }
    }

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
