using System.Globalization;
using Dcgan.Imaging;

namespace Dcgan.Training;

/// <summary>
/// One logged step, as metrics.csv holds it; AugmentP is the augmentation probability (0 without --augment).
/// </summary>
internal sealed record MetricsRow(long Step, long Epoch, double LossD, double LossG, double DX, double DGZ1, double DGZ2,
    double ImagesPerSecond, double Seconds, double AugmentP = 0)
{
    public const string Header = "step,epoch,loss_d,loss_g,d_x,d_g_z1,d_g_z2,images_per_second,seconds,augment_p";

    public string ToCsv() => string.Join(',',
        new[] { Step.ToString(CultureInfo.InvariantCulture), Epoch.ToString(CultureInfo.InvariantCulture) }
            .Concat(new[] { LossD, LossG, DX, DGZ1, DGZ2, ImagesPerSecond, Seconds, AugmentP }
                .Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));

    /// <summary>
    /// A row of ten numbers (nine in runs made before augment_p was logged); anything else (a line cut short by a full
    /// disk or a kill) is not a row.
    /// </summary>
    public static bool TryParse(string line, out MetricsRow row)
    {
        row = null!;
        var f = line.Split(',');
        if (f.Length is not (9 or 10)) return false;
        var d = new double[10];
        for (int i = 2; i < f.Length; i++)
            if (!double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out d[i])) return false;
        if (!long.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) ||
            !long.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long epoch)) return false;
        row = new MetricsRow(step, epoch, d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9]);
        return true;
    }
}

/// <summary>metrics.csv of a run. On resume the rows after the checkpoint are dropped: those steps are trained again.</summary>
internal sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;

    public string Path { get; }
    public List<MetricsRow> Rows { get; }

    public MetricsLog(string runDir, long resumeStep)
    {
        Path = new RunLayout(runDir).Metrics;
        Rows = Read(Path).Where(r => r.Step < resumeStep).ToList();
        AtomicFile.WriteAllText(Path, string.Join('\n', new[] { MetricsRow.Header }.Concat(Rows.Select(r => r.ToCsv()))) + "\n");
        writer = new StreamWriter(Path, append: true) { AutoFlush = true };
    }

    /// <summary>
    /// The file's rows; lines that are not rows (a partial last line after a full disk or a kill) are skipped, and a resume drops them.
    /// </summary>
    public static List<MetricsRow> Read(string path) => File.Exists(path) ? Parse(File.ReadLines(path).Skip(1)) : [];

    public static List<MetricsRow> Parse(IEnumerable<string> lines)
    {
        var rows = new List<MetricsRow>();
        foreach (var line in lines)
            if (MetricsRow.TryParse(line, out var row)) rows.Add(row);
        return rows;
    }

    public void Append(MetricsRow row)
    {
        Rows.Add(row);
        try { writer.WriteLine(row.ToCsv()); }
        catch (IOException e) { throw AtomicFile.CannotWrite(Path, e); }
    }

    public void Dispose() => writer.Dispose();
}

/// <summary>
/// Follows a metrics.csv as a run appends to it, reading only the bytes added since the last call. A file that got
/// shorter (a resumed run rewrites it) is read again from the start; a line without its newline yet waits.
/// </summary>
internal sealed class MetricsTail(string path)
{
    private long offset;
    private bool headerSkipped;
    private readonly List<MetricsRow> rows = [];

    /// <summary>Every row read so far, in file order.</summary>
    public IReadOnlyList<MetricsRow> Rows => rows;

    /// <summary>Reads what was appended; returns whether anything changed (false: nothing new).</summary>
    public bool Update()
    {
        if (!File.Exists(path)) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < offset)
        {
            offset = 0;
            headerSkipped = false;
            rows.Clear();
        }
        if (stream.Length == offset) return false;
        stream.Seek(offset, SeekOrigin.Begin);
        var added = new byte[stream.Length - offset];
        stream.ReadExactly(added);
        int complete = Array.LastIndexOf(added, (byte)'\n') + 1; // whole lines only
        if (complete == 0) return false;
        offset += complete;
        var lines = System.Text.Encoding.UTF8.GetString(added, 0, complete).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var fresh = MetricsLog.Parse(headerSkipped ? lines : lines.Skip(1));
        headerSkipped = true;
        rows.AddRange(fresh);
        return true;
    }
}
