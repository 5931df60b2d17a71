using Dcgan.Imaging;

namespace Dcgan.Training;

/// <summary>losses.png: G's and D's loss against iterations on one plot, as the tutorial draws it.</summary>
internal static class LossPlot
{
    private const string FontName = "DejaVu Sans";
    private static readonly Lazy<bool> FontRegistered = new(() =>
    {
        string file = Path.Combine(AppContext.BaseDirectory, "assets", "DejaVuSans.ttf");
        if (!File.Exists(file)) return false;
        ScottPlot.Fonts.AddFontFile(FontName, file, bold: false, italic: false);
        ScottPlot.Fonts.AddFontFile(FontName, file, bold: true, italic: false);
        ScottPlot.Fonts.Default = FontName;
        return true;
    });

    public static void Save(IReadOnlyList<MetricsRow> rows, string path)
    {
        if (rows.Count == 0) return;
        var plot = new ScottPlot.Plot();
        if (FontRegistered.Value) plot.Font.Set(FontName);
        double[] steps = rows.Select(r => (double)r.Step).ToArray();
        var g = plot.Add.ScatterLine(steps, rows.Select(r => r.LossG).ToArray());
        g.LegendText = "G";
        var d = plot.Add.ScatterLine(steps, rows.Select(r => r.LossD).ToArray());
        d.LegendText = "D";
        plot.Title("Generator and Discriminator Loss During Training");
        plot.XLabel("iterations");
        plot.YLabel("Loss");
        plot.ShowLegend();
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(1000, 500, ScottPlot.ImageFormat.Png));
    }
}
