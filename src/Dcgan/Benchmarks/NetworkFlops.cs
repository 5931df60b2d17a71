using Dcgan.Models;

namespace Dcgan.Benchmarks;

/// <summary>
/// Floating-point operations of G and D per image, counted from the layers' shapes (2 per multiply-add; BatchNorm and
/// activations are left out, they are a few per cent). The tutorial's nets at 64x64 take 0.21 GFLOP forward each.
/// </summary>
internal static class NetworkFlops
{
    private const int KernelArea = 4 * 4;

    /// <summary>
    /// z to an image: a transposed convolution costs input pixels x in x out channels x kernel area; a resize + 3x3
    /// convolution (<see cref="ResizeConvolution"/>) output pixels x in x out x 9.
    /// </summary>
    public static double GeneratorForward(ModelOptions o)
    {
        long channels = (long)o.Ngf << o.MiddleBlocks, side = 4;
        double macs = (double)o.Nz * channels * KernelArea;
        int firstResize = o.GeneratorDoublingLayers - o.GeneratorResizeConvolutions;
        for (int layer = 0; layer < o.GeneratorDoublingLayers; layer++, side *= 2)
        {
            long next = layer == o.GeneratorDoublingLayers - 1 ? o.Nc : channels / 2;
            macs += layer >= firstResize
                ? (double)(2 * side) * (2 * side) * channels * next * 9
                : (double)side * side * channels * next * KernelArea;
            channels = next;
        }
        return 2 * macs;
    }

    /// <summary>An image to a score: a convolution costs output pixels x in x out channels x kernel area.</summary>
    public static double DiscriminatorForward(ModelOptions o)
    {
        long channels = o.Ndf, side = o.ImageSize / 2;
        double macs = (double)side * side * o.Nc * channels * KernelArea;
        for (int block = 0; block < o.MiddleBlocks; block++, channels *= 2)
        {
            side /= 2;
            macs += (double)side * side * channels * (channels * 2) * KernelArea;
        }
        macs += (double)channels * KernelArea;
        return 2 * macs;
    }

    /// <summary>
    /// One training step per image: D runs forward three times (reals, detached fakes, fakes for G's loss) and G once, and
    /// each backward pass costs about twice its forward (the gradients of the inputs and of the weights): 9 D + 3 G.
    /// </summary>
    public static double TrainingStepPerImage(ModelOptions o) => 9 * DiscriminatorForward(o) + 3 * GeneratorForward(o);
}
