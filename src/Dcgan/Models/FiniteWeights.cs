using static TorchSharp.torch;

namespace Dcgan.Models;

/// <summary>
/// Weights that are NaN or infinite draw black images and train nothing; they come from a damaged file or a run that
/// diverged. Every load checks, so such a model is refused by name instead of being used silently.
/// </summary>
internal static class FiniteWeights
{
    public static void Require(nn.Module module, string source)
    {
        foreach (var (name, value) in module.state_dict())
        {
            if (!value.is_floating_point()) continue;
            using var finite = value.isfinite().all();
            if (!finite.item<bool>())
                throw new InvalidDataException($"{source}: '{name}' holds values that are not finite numbers (NaN or infinity): " +
                    "the file is damaged or the run diverged; use an earlier checkpoint");
        }
    }
}
