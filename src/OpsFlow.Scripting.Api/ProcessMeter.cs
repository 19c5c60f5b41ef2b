using System.Diagnostics;
using System.Globalization;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>
/// Measures what a process a step started uses while it runs: CPU time (user + system) and the largest resident
/// memory, of the process and every process under it (a build starts compilers; a deploy tool starts its helpers).
/// <para>
/// On Linux it reads <c>/proc</c>: for each process of the tree, utime + stime + cutime + cstime of
/// <c>/proc/&lt;pid&gt;/stat</c> (a child the process waited for has moved into its cutime/cstime, so nothing is
/// lost or counted twice), and the sum of VmRSS or the largest VmHWM (the kernel's own peak) of
/// <c>/proc/&lt;pid&gt;/status</c>. Elsewhere it reads the process alone through <see cref="Process"/>.
/// </para>
/// <para>
/// Why sampling: the runtime reaps a child the moment it exits, and with it the kernel's final figures, so the last
/// sample is the answer: at most <see cref="SteadyInterval"/> of CPU at the very end can be missed. Samples come
/// quickly at first (10 ms, doubling) so that a short process is seen at all, then every 250 ms.
/// </para>
/// </summary>
internal sealed class ProcessMeter : IAsyncDisposable
{
    public static readonly TimeSpan SteadyInterval = TimeSpan.FromMilliseconds(250);

    // USER_HZ: the unit of the times in /proc/<pid>/stat, 100 on every Linux architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;

    private readonly Process _process;
    private readonly int _root;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _cpuTicks;
    private long _peakBytes;

    private ProcessMeter(Process process)
    {
        _process = process;
        _root = process.Id;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Starts measuring a started process.</summary>
    public static ProcessMeter Start(Process process) => new(process);

    /// <summary>Stops (once the process has exited: its number may belong to another process by now) and says what the tree used.</summary>
    public async Task<ProcessUse> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        var cpu = OperatingSystem.IsLinux()
            ? TimeSpan.FromSeconds(Interlocked.Read(ref _cpuTicks) / ClockTicksPerSecond)
            : TimeSpan.FromTicks(Interlocked.Read(ref _cpuTicks));
        return new ProcessUse(cpu, Interlocked.Read(ref _peakBytes));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var interval = TimeSpan.FromMilliseconds(10);
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            try
            {
                // Real time, not a test's clock: the process runs in real time whatever the engine's clock says.
                await Task.Delay(interval, TimeProvider.System, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            interval = interval * 2 < SteadyInterval ? interval * 2 : SteadyInterval;
        }
    }

    private void Sample()
    {
        try
        {
            var (cpu, bytes) = OperatingSystem.IsLinux() ? SampleProc() : SampleProcess();
            Raise(ref _cpuTicks, cpu);
            Raise(ref _peakBytes, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            // A process that ended between listing and reading: the next sample (or the last one) counts.
        }
    }

    private static void Raise(ref long field, long value)
    {
        var current = Interlocked.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private (long Cpu, long Bytes) SampleProcess()
    {
        _process.Refresh();
        return _process.HasExited ? (0, 0) : (_process.TotalProcessorTime.Ticks, _process.PeakWorkingSet64);
    }

    private (long Cpu, long Bytes) SampleProc()
    {
        var tree = Tree();
        long cpu = 0, rss = 0, hwm = 0;
        foreach (var (_, stat) in tree)
        {
            cpu += stat.Cpu;
        }

        foreach (var (pid, _) in tree)
        {
            var (resident, peak) = Memory(pid);
            rss += resident;
            hwm = Math.Max(hwm, peak);
        }

        return (cpu, Math.Max(rss, hwm));
    }

    /// <summary>The root and its descendants that are alive now, each with its CPU ticks.</summary>
    private List<(int Pid, Stat Stat)> Tree()
    {
        var all = new Dictionary<int, Stat>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadStat(pid) is { } stat)
            {
                all[pid] = stat;
            }
        }

        var tree = new List<(int, Stat)>();
        if (!all.TryGetValue(_root, out var root))
        {
            return tree;
        }

        var children = all.ToLookup(p => p.Value.Parent, p => p.Key);
        var open = new Stack<int>();
        open.Push(_root);
        tree.Add((_root, root));
        while (open.TryPop(out var pid))
        {
            foreach (var child in children[pid])
            {
                tree.Add((child, all[child]));
                open.Push(child);
            }
        }

        return tree;
    }

    private readonly record struct Stat(int Parent, long Cpu);

    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile, or not ours to read
        }

        // The command name may hold spaces and parentheses: the fields start after its last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int index) => long.Parse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture);
        return new Stat((int)Field(1), Field(11) + Field(12) + Field(13) + Field(14));
    }

    /// <summary>VmRSS and VmHWM in bytes; zeros for a process that has no memory any more (a zombie) or is gone.</summary>
    private static (long Resident, long Peak) Memory(int pid)
    {
        long resident = 0, peak = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }

        return (resident, peak);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.Integer, CultureInfo.InvariantCulture) * 1024;
}
