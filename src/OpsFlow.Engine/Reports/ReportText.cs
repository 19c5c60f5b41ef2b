using System.Globalization;

namespace OpsFlow.Engine.Reports;

/// <summary>How reports write numbers for people, the same in the monthly report, chat and the command line.</summary>
public static class ReportText
{
    public static string Percent(double rate) => (rate * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
