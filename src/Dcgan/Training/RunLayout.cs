namespace Dcgan.Training;

/// <summary>
/// The files of a run folder as `dcgan train` writes them, named once for the trainer, the studio and the tools:
/// config.json, metrics.csv, losses.png, samples/step-NNNNNNN.png, checkpoints/, train.lock.
/// </summary>
internal sealed record RunLayout(string Root)
{
    public const string ConfigFile = "config.json", MetricsFile = "metrics.csv", LossPlotFile = "losses.png", SamplesFolder = "samples";

    public string Config => Path.Combine(Root, ConfigFile);
    public string Metrics => Path.Combine(Root, MetricsFile);
    public string LossPlot => Path.Combine(Root, LossPlotFile);
    public string Samples => Path.Combine(Root, SamplesFolder);
    public string Checkpoints => Path.Combine(Root, Checkpoint.Folder);
    public string Lock => Path.Combine(Root, RunLock.FileName);

    /// <summary>The fixed-noise grid written after this step.</summary>
    public string Sample(long step) => Path.Combine(Samples, $"step-{step:D7}.png");
}
