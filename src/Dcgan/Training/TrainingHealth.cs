using System.Text.Json;
using Dcgan.Imaging;
using Dcgan.Models;
using static TorchSharp.torch;

namespace Dcgan.Training;

/// <summary>A problem noticed in a run: at which step, what, and what to try.</summary>
internal sealed record HealthWarning(long Step, string Kind, string Message);

/// <summary>
/// Notices the two classic failures of GAN training while a run goes on, so a person hears of them where they look
/// (the console, RUN/health.jsonl, the studio's training view) instead of finding noise after hours:
/// D has won (on a small data set D memorises the reals: D(G(z)) and Loss_D pinned near zero, so G learns nothing),
/// and G has collapsed (the fixed-noise grid's images become nearly the same image). Each is said once when it
/// starts, and again only after it has cleared.
/// </summary>
internal sealed class TrainingHealth(TrainingOptions options, string runDir)
{
    public const int Window = 100;
    /// <summary>D has won below these window averages; G has collapsed when the grid's spread falls below this share of its best.</summary>
    public const double WonScore = 0.01, WonLoss = 0.05, CollapsedShare = 0.3, MeaningfulSpread = 0.1;
    public const string FileName = "health.jsonl";

    private static readonly JsonSerializerOptions OneLine = new(DcganJson.Options) { WriteIndented = false };
    private readonly Queue<(double LossD, double DGZ)> recent = new();
    private bool dHasWon, collapsed;
    private double peakSpread;

    /// <summary>Feeds one step's metrics; returns a warning when D has just won.</summary>
    public HealthWarning? Observe(MetricsRow row)
    {
        // Only where D's score is a probability (bce, bce-logits): the other losses' scores have no fixed scale.
        if (options.Model.Loss is not (LossKind.Bce or LossKind.BceLogits)) return null;
        recent.Enqueue((row.LossD, row.DGZ1));
        if (recent.Count > Window) recent.Dequeue();
        if (recent.Count < Window) return null;
        double score = recent.Average(r => r.DGZ), loss = recent.Average(r => r.LossD);
        bool won = score < WonScore && loss < WonLoss;
        if (won == dHasWon) return null;
        dHasWon = won;
        return won ? Record(new HealthWarning(row.Step + 1, "d-won",
            $"D has won: over the last {Window} steps D(G(z)) averaged {score:F4} and Loss_D {loss:F4}, so G gets almost no gradient and " +
            "will not improve. Try `augment` translation,cutout (`augmentP` auto doses it by how sure D is), a lower `lrD`, " +
            $"or continue from an earlier checkpoint in {Checkpoint.Folder}/")) : null;
    }

    /// <summary>Looks at the fixed-noise images ([N, C, H, W] in [-1, 1]); returns a warning when they have just become alike.</summary>
    public HealthWarning? ObserveGrid(long step, Tensor images)
    {
        if (images.shape[0] < 4) return null;
        using var scope = NewDisposeScope();
        // How much the images differ from each other: the per-pixel spread across the batch, averaged over pixels.
        // Judged against the run's own best: an untrained G draws nearly one grey image for every z, which is no collapse.
        double spread = images.std(0).mean().item<float>();
        peakSpread = Math.Max(peakSpread, spread);
        bool alike = peakSpread >= MeaningfulSpread && spread < CollapsedShare * peakSpread;
        if (alike == collapsed) return null;
        collapsed = alike;
        return alike ? Record(new HealthWarning(step, "g-collapsed",
            "G has collapsed: the fixed-noise images hardly differ any more " +
            $"(spread {spread:F3}, against {peakSpread:F3} earlier in this run). " +
            $"Continue from an earlier checkpoint in {Checkpoint.Folder}/ with `augment`, or a lower `lrD`")) : null;
    }

    private HealthWarning Record(HealthWarning warning)
    {
        string file = Path.Combine(runDir, FileName);
        try { File.AppendAllText(file, JsonSerializer.Serialize(warning, OneLine) + "\n"); }
        catch (IOException e) { throw Imaging.AtomicFile.CannotWrite(file, e); }
        return warning;
    }

    /// <summary>The warnings a run has recorded, oldest first (lines that do not parse are skipped).</summary>
    public static IReadOnlyList<HealthWarning> Read(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        if (!File.Exists(path)) return [];
        var warnings = new List<HealthWarning>();
        foreach (var line in File.ReadLines(path))
        {
            try { if (JsonSerializer.Deserialize<HealthWarning>(line, DcganJson.Options) is { } w) warnings.Add(w); }
            catch (JsonException) { }
        }
        return warnings;
    }
}
