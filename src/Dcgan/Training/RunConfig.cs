using Dcgan.Data;
using Dcgan.Imaging;

namespace Dcgan.Training;

/// <summary>config.json of a run: every setting, the data set as found, and the versions that produced it.</summary>
internal static class RunConfig
{
    /// <summary>The data set as a run found it; Fingerprint (null in configs written before it was recorded) changes with its content.</summary>
    public sealed record DatasetInfo(string Source, int Images, int Skipped, int StepsPerEpoch, string? Fingerprint = null);
    public sealed record Versions(string DcganStudio, string TorchSharp, string Runtime, string Os);
    public sealed record Document(TrainingOptions Options, DatasetInfo Dataset, long TotalSteps, Versions Versions);

    public static void Write(string runDir, TrainingOptions options, PixelCacheInfo data, int stepsPerEpoch, long totalSteps)
    {
        var doc = new Document(options, new DatasetInfo(data.Source, data.Count, data.Skipped.Count, stepsPerEpoch, data.Fingerprint),
            totalSteps, Current);
        AtomicFile.WriteAllText(new RunLayout(runDir).Config, DcganJson.Serialize(doc));
    }

    /// <summary>The data set a run's config.json recorded; null where there is none or it does not read.</summary>
    public static DatasetInfo? ReadDataset(string runDir)
    {
        string path = new RunLayout(runDir).Config;
        if (!File.Exists(path)) return null;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            return json.RootElement.TryGetProperty("dataset", out var dataset)
                ? System.Text.Json.JsonSerializer.Deserialize<DatasetInfo>(dataset.GetRawText(), DcganJson.Options)
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException) { return null; }
    }

    public static Versions Current => new(
        typeof(RunConfig).Assembly.GetName().Version?.ToString() ?? "?",
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?",
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription);
}
