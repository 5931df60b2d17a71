using System.Globalization;
using Dcgan.Imaging;

namespace Dcgan.Training;

/// <summary>One logged step, as metrics.csv holds it.</summary>
public sealed record MetricsRow(long Step, long Epoch, double LossD, double LossG, double DX, double DGZ1, double DGZ2, double ImagesPerSecond, double Seconds)
{
    public const string Header = "step,epoch,loss_d,loss_g,d_x,d_g_z1,d_g_z2,images_per_second,seconds";

    public string ToCsv() => string.Join(',', new[] { Step.ToString(CultureInfo.InvariantCulture), Epoch.ToString(CultureInfo.InvariantCulture) }
        .Concat(new[] { LossD, LossG, DX, DGZ1, DGZ2, ImagesPerSecond, Seconds }.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));

    public static MetricsRow Parse(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new MetricsRow(long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), D(2), D(3), D(4), D(5), D(6), D(7), D(8));
    }
}

/// <summary>metrics.csv of a run. On resume the rows after the checkpoint are dropped: those steps are trained again.</summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;

    public string Path { get; }
    public List<MetricsRow> Rows { get; }

    public MetricsLog(string runDir, long resumeStep)
    {
        Path = System.IO.Path.Combine(runDir, "metrics.csv");
        Rows = Read(Path).Where(r => r.Step < resumeStep).ToList();
        AtomicFile.WriteAllText(Path, string.Join('\n', new[] { MetricsRow.Header }.Concat(Rows.Select(r => r.ToCsv()))) + "\n");
        writer = new StreamWriter(Path, append: true) { AutoFlush = true };
    }

    public static List<MetricsRow> Read(string path) => File.Exists(path)
        ? File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(MetricsRow.Parse).ToList()
        : [];

    public void Append(MetricsRow row)
    {
        Rows.Add(row);
        writer.WriteLine(row.ToCsv());
    }

    public void Dispose() => writer.Dispose();
}
