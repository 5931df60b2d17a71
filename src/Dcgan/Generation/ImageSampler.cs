using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Generation;

/// <summary>
/// How G's BatchNorm layers normalise while sampling: with the running statistics (eval, the default) or each batch's own (train).
/// </summary>
internal enum SamplingMode { Eval, Train }

/// <summary>
/// Turns latents into images with G in eval mode, so an image depends only on its own z (BatchNorm uses its
/// running statistics, not the batch's), and in batches padded to a multiple of 8, so its bytes do not depend on the others
/// drawn with it either (<see cref="BatchMultiple"/>). Calls are serialised: one sampler may serve many threads.
/// </summary>
internal sealed class ImageSampler(Models.Generator generator, Device? device = null) : IDisposable
{
    private readonly object gate = new();
    private readonly Device device = device ?? CPU;

    public Models.Generator Generator { get; } = generator;

    /// <summary>
    /// A sampler for a generator whose weights no longer change (a loaded model): moved to the device once and its bf16
    /// weights made there once (<see cref="Models.Generator.FreezeForDrawing"/>). Training keeps the plain constructor.
    /// </summary>
    public static ImageSampler ForDrawing(Models.Generator generator, Device device)
    {
        var sampler = new ImageSampler(generator, device);
        generator.to(device);
        generator.FreezeForDrawing(); // the copies on the device the sampler draws on
        return sampler;
    }
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
            if (latents.dim() == 2) latents = latents.view(latents.shape[0], latents.shape[1], 1, 1);
            long n = latents.shape[0], padding = (BatchMultiple - n % BatchMultiple) % BatchMultiple;
            var batch = latents.to(device);
            if (padding > 0) batch = cat([batch, zeros([padding, .. batch.shape.Skip(1)], batch.dtype, device)]);
            return Generator.forward(batch).narrow(0, 0, n).cpu().MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// G runs on a multiple of this many latents, padded with zeros. libtorch picks how its convolution kernels split
    /// the work by batch size, and the splits round differently: measured on AVX-512 with 2 threads, a transposed
    /// convolution at batch 3 or 5 differs from batch 1 in the last bit, which flips a pixel by one level. Padded, an
    /// image is the same bytes whether it is drawn alone, in the CLI's grid or in a server batch (tested for batches
    /// of 1 to 17). Padding costs latency, not throughput: one image takes 14 ms instead of 4 ms at fp32 on
    /// 2 cores; 64 take the same time as before (docs/performance.md).
    /// </summary>
    public const int BatchMultiple = 8;

    /// <summary>
    /// The images of z with G in train mode, as the tutorial's notebook renders its grids: BatchNorm normalises with
    /// this batch's statistics, so an image depends on the others in its batch. The running statistics are restored
    /// afterwards, so the model serves as before.
    /// </summary>
    public Tensor GenerateInTrainMode(Tensor latents)
    {
        if (latents.shape[0] < 2)
            throw new InputException("n", InputProblem.OutOfRange, ": train-mode sampling needs batches of 2 or more latents (BatchNorm uses the batch's statistics)");
        lock (gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Generator.to(device);
            var buffers = Generator.named_buffers().Select(b => (b.buffer, saved: b.buffer.clone())).ToList();
            try
            {
                Generator.train();
                return Generator.forward(latents.to(device)).cpu().MoveToOuterDisposeScope();
            }
            finally
            {
                foreach (var (buffer, saved) in buffers) buffer.copy_(saved);
                Generator.eval();
            }
        }
    }

    public Tensor Generate(Tensor latents, SamplingMode mode) =>
        mode == SamplingMode.Train ? GenerateInTrainMode(latents) : Generate(latents);

    public IReadOnlyList<PixelImage> Render(Tensor latents)
    {
        using var scope = NewDisposeScope();
        return PixelConverter.ToImages(Generate(latents));
    }

    /// <summary>The images of latents given as managed floats, <paramref name="count"/> rows of nz.</summary>
    public IReadOnlyList<PixelImage> Render(float[] latents, int count)
    {
        using var scope = NewDisposeScope();
        return Render(tensor(latents).reshape(count, -1));
    }

    public Tensor LatentsFor(IReadOnlyList<long> seeds) => LatentSampler.ForSeeds(seeds, Options.Nz, Options.Prior);

    public IReadOnlyList<PixelImage> RenderSeeds(IReadOnlyList<long> seeds)
    {
        using var scope = NewDisposeScope();
        return Render(LatentsFor(seeds));
    }

    public void Dispose() => Generator.Dispose();
}
