namespace Dcgan.Web;

/// <summary>How `dcgan serve` was asked to run.</summary>
public sealed record StudioOptions
{
    /// <summary>A checkpoint, run directory or .pth; null: the bundled model, else the newest run under <see cref="RunsDir"/>.</summary>
    public string? Checkpoint { get; init; }
    public string RunsDir { get; init; } = "runs";
    /// <summary>An extra folder of models (.ckpt / .pth) offered in the model picker.</summary>
    public string? ModelsDir { get; init; }
    public string Urls { get; init; } = "http://127.0.0.1:5000";
    public string Device { get; init; } = "cpu";
}
