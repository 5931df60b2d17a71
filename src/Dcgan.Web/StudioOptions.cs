namespace Dcgan.Web;

/// <summary>How `dcgan serve` was asked to run.</summary>
internal sealed record StudioOptions
{
    /// <summary>
    /// A checkpoint, run directory, .pth or bundled model name offered first; null: the bundled emoji model, else the newest run under <see cref="RunsDir"/>.
    /// </summary>
    public string? Checkpoint { get; init; }
    public string RunsDir { get; init; } = "runs";
    /// <summary>An extra folder of models (.ckpt / .pth) offered in the model picker.</summary>
    public string? ModelsDir { get; init; }
    public string Urls { get; init; } = "http://127.0.0.1:5000";
    /// <summary>Host names the studio answers to besides this machine's loopback names and the hosts in <see cref="Urls"/> ("*": any).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
    public string Device { get; init; } = "cpu";
    /// <summary>The generators' arithmetic: fp32 (PyTorch's pixels, the default) or bf16 (faster on processors with native bf16).</summary>
    public Models.Precision Precision { get; init; } = Models.Precision.Fp32;
    /// <summary>Images drawn by one forward pass of G at most (1: each request draws alone, one at a time).</summary>
    public int MaxBatch { get; init; } = 64;
    /// <summary>How long the batcher waits for more requests once one has arrived.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(2);
    /// <summary>Generators kept loaded at once (the least recently used is dropped; its vectors stay).</summary>
    public int LoadedModels { get; init; } = 4;

    /// <summary>Refuses settings the studio cannot run with, by their names here (the command words them as its flags).</summary>
    public void Check()
    {
        if (MaxBatch is < 1 or > 1024)
            throw new InputException("maxBatch", InputProblem.OutOfRange, $"must be between 1 and 1024 (got {MaxBatch})");
        if (!(BatchWindow.TotalMilliseconds is >= 0 and <= 100))
            throw new InputException("batchWindow", InputProblem.OutOfRange, $"must be between 0 and 100 ms (got {BatchWindow.TotalMilliseconds})");
        if (ModelsDir is { } folder && !Directory.Exists(folder))
            throw new InputException("modelsDir", InputProblem.NotFound, $": the folder '{folder}' does not exist; create it (models " +
                "copied into it later join the picker) or check the path");
    }
}
