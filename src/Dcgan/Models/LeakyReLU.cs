using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Models;

/// <summary>
/// LeakyReLU holding its slope as one Scalar for the module's life. TorchSharp 0.107's own module converts the slope
/// to a fresh Scalar on every call; nothing keeps that object alive during the native call, and a run crashed
/// after ~600 steps with "Expected false to be true" from Scalar::toFloat inside leaky_relu_ (a finalized Scalar).
/// Scalars are not tracked by dispose scopes, so this field lives exactly as long as the module. Out of place:
/// Sequential disposes a layer's input when the layer returns another tensor object, which an in-place call would not.
/// </summary>
internal sealed class LeakyReLU(double negativeSlope) : nn.Module<Tensor, Tensor>(nameof(LeakyReLU))
{
    private readonly Scalar slope = negativeSlope.ToScalar();

    public double NegativeSlope { get; } = negativeSlope;

    public override Tensor forward(Tensor input)
    {
        var result = input.leaky_relu(slope);
        GC.KeepAlive(slope);
        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) slope.Dispose();
        base.Dispose(disposing);
    }
}
