using static TorchSharp.torch;

namespace Dcgan.Latent;

/// <summary>One vector and how far to move along it.</summary>
internal sealed record VectorEdit(AttributeVector Vector, double Strength);

/// <summary>
/// How a walk between two latents goes: along the great circle (slerp, keeps |z| near the prior's shell) or straight (lerp).
/// </summary>
internal enum InterpolationMode { Slerp, Lerp }

/// <summary>
/// Edits in latent space: z plus vectors, each stripped of the condition vectors first. The figures that draw edits are
/// in Generation/Figures.cs, fitting and discovering vectors for a model in Generation/ModelVectors.cs.
/// </summary>
internal static class Editing
{
    /// <summary>z + sum s_i v_i, each v_i first stripped of the condition vectors' directions (InterFaceGAN).</summary>
    public static Tensor Apply(Tensor z, IReadOnlyList<VectorEdit> edits, IReadOnlyList<AttributeVector> conditions, bool unit = false,
        bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        var conditionTensors = conditions.Select(c => c.ToTensor()).ToList();
        var directions = edits.Select(e => (LatentMath.Condition(e.Vector.ToTensor(), conditionTensors), e.Strength)).ToList();
        return LatentMath.Edit(z, directions, unit, keepNorm).MoveToOuterDisposeScope();
    }
}
