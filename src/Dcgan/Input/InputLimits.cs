namespace Dcgan.Input;

/// <summary>
/// The bounds both faces apply to what a person sends: the command checks them, the studio checks them and serves them
/// (GET /api/limits), and the page reads them from there instead of restating them.
/// </summary>
internal static class InputLimits
{
    /// <summary>A vector file (the command's JSON, or torch.save's zip of one tensor) is a few KB; 1 MB is generous.</summary>
    public const long VectorFileBytes = 1 << 20;
    /// <summary>An image to invert: a photograph at full size fits, a stray video does not.</summary>
    public const long ImageFileBytes = 10 << 20;
    /// <summary>Seeds in one exemplar list (arithmetic's A, B and C, a strip's rows).</summary>
    public const int ExemplarSeeds = 16;
    /// <summary>Images in one grid request.</summary>
    public const int GridImages = 256;
    /// <summary>Labelled seeds in one vector fit.</summary>
    public const int Labels = 10_000;
    /// <summary>
    /// An inversion the studio runs for a page: lower than the library's bounds (10,000 steps, 64 restarts), since any
    /// page may ask and one inversion holds both cores (the command and the library take the library's).
    /// </summary>
    public const int StudioInversionSteps = 2000, StudioInversionRestarts = 16;
    public const int MinInterpolationSteps = 2;
    public const int MaxInterpolationSteps = Generation.Figures.MaxInterpolationSteps;

    /// <summary>Bytes as a person reads them: "812 bytes", "19.4 MB".</summary>
    public static string Size(long bytes) =>
        bytes < 1 << 10 ? $"{bytes} bytes" : bytes < 1 << 20 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / 1048576.0:0.#} MB";

    /// <summary>The one refusal of a file past its limit, in the same words for every upload.</summary>
    public static InputException TooLarge(string setting, long bytes, long limit) =>
        new(setting, InputProblem.TooLarge, $": the file is {Size(bytes)}; at most {Size(limit)}");
}
