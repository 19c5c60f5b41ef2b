#load "../.opsflow/globals.csx"
// Shared code for workflows: `#load "lib/format.csx"`. Files under lib/ are never loaded as workflows, and a
// change here gives every workflow that loads it a new version (the hash covers loaded files).
/// <summary>A byte count as people read it: 512 B, 3.4 MiB, 1.2 GiB.</summary>
static string Bytes(long bytes)
{
    string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
    double value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.Length - 1)
    {
        value /= 1024;
        unit++;
    }

    return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
}
