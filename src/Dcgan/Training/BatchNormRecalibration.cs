using Dcgan.Data;
using Dcgan.Latent;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Training;

/// <summary>
/// Re-measures G's BatchNorm running statistics over many z from the prior (a cumulative average over equal
/// batches instead of training's momentum-0.1 trail), a known remedy when eval-mode samples look worse than the
/// train-mode images of the training notebook. Weights are untouched.
/// </summary>
internal static class BatchNormRecalibration
{
    /// <summary>The most latents to measure over: statistics settle long before (docs/experiments.md), and time grows with it.</summary>
    public const int MaxSamples = 1_000_000;

    public static void Apply(Models.Generator generator, int samples = 8192, int batchSize = 64, long seed = 0)
    {
        if (samples > MaxSamples)
            throw new InputException("samples", InputProblem.TooLarge, $": at most {MaxSamples} latents (got {samples}); 8192 measure the statistics well");
        if (batchSize > 4096) throw new InputException("batchSize", InputProblem.OutOfRange, $": at most 4096 (got {batchSize})");
        if (samples < batchSize || batchSize < 2)
            throw new InputException("samples", InputProblem.OutOfRange, $": recalibration needs at least one batch of 2 or more (samples {samples}, batch {batchSize})");
        var norms = generator.modules().OfType<BatchNorm2d>().ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        using var random = new TorchGenerator(SeedMixer.Mix(seed, RandomStream.BatchNormRecalibration));
        try
        {
            foreach (var norm in norms)
            {
                norm.reset_running_stats();
                norm.momentum = null; // null: cumulative moving average, every batch counts equally
            }
            using var noGrad = no_grad();
            generator.train();
            var device = generator.parameters().First().device;
            for (int done = 0; done + batchSize <= samples; done += batchSize)
            {
                using var scope = NewDisposeScope();
                generator.forward(LatentSampler.Draw(batchSize, generator.Options.Nz, generator.Options.Prior, random).to(device));
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            generator.eval();
        }
    }
}
