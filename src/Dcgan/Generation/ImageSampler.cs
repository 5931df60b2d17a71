using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Generation;

/// <summary>
/// Turns latents into images with G in eval mode, so an image depends only on its own z (BatchNorm uses its
/// running statistics, not the batch's). Calls are serialised: one sampler may serve many threads.
/// </summary>
public sealed class ImageSampler(Models.Generator generator, Device? device = null) : IDisposable
{
    private readonly object gate = new();
    private readonly Device device = device ?? CPU;

    public Models.Generator Generator { get; } = generator;
    public ModelOptions Options => Generator.Options;

    /// <summary>The images of z ([N, nz] or [N, nz, 1, 1]) as float tensors in [-1, 1], on the CPU.</summary>
    public Tensor Generate(Tensor latents)
    {
        lock (gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Generator.eval();
            Generator.to(device);
            return Generator.forward(latents.to(device)).cpu().MoveToOuterDisposeScope();
        }
    }

    public IReadOnlyList<PixelImage> Render(Tensor latents)
    {
        using var scope = NewDisposeScope();
        return PixelConverter.ToImages(Generate(latents));
    }

    public Tensor LatentsFor(IReadOnlyList<long> seeds) => LatentSampler.ForSeeds(seeds, Options.Nz, Options.Prior);

    public IReadOnlyList<PixelImage> RenderSeeds(IReadOnlyList<long> seeds)
    {
        using var scope = NewDisposeScope();
        return Render(LatentsFor(seeds));
    }

    public void Dispose() => Generator.Dispose();
}
