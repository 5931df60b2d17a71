using Dcgan.Data;
using Dcgan.Imaging;

namespace Dcgan.Training;

/// <summary>config.json of a run: every setting, the data set as found, and the versions that produced it.</summary>
public static class RunConfig
{
    public sealed record DatasetInfo(string Source, int Images, int Skipped, int StepsPerEpoch);
    public sealed record Versions(string DcganStudio, string TorchSharp, string Runtime, string Os);
    public sealed record Document(TrainingOptions Options, DatasetInfo Dataset, long TotalSteps, Versions Versions);

    public static void Write(string runDir, TrainingOptions options, PixelCacheInfo data, int stepsPerEpoch, long totalSteps)
    {
        var doc = new Document(options, new DatasetInfo(data.Source, data.Count, data.Skipped.Count, stepsPerEpoch), totalSteps, Current);
        AtomicFile.WriteAllText(Path.Combine(runDir, "config.json"), DcganJson.Serialize(doc));
    }

    public static Versions Current => new(
        typeof(RunConfig).Assembly.GetName().Version?.ToString() ?? "?",
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?",
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription);
}
