using System.Text.Json;
using Dcgan.Models;

namespace Dcgan.Training;

/// <summary>Every setting of a run, validated once and saved as the run's config.json (read back on resume).</summary>
internal sealed record TrainingOptions
{
    public string Data { get; init; } = "emoji";
    public string OutDir { get; init; } = "runs/emoji";
    public ModelOptions Model { get; init; } = new();
    public int Epochs { get; init; } = 5;
    public long? MaxSteps { get; init; }
    public int BatchSize { get; init; } = 128;
    public double LrG { get; init; } = 2e-4;
    public double LrD { get; init; } = 2e-4;
    /// <summary>Both learning rates falling linearly to 0 between two steps (none: the tutorial's constant rates).</summary>
    public LearningRateDecay? LrDecay { get; init; }
    public double Beta1 { get; init; } = 0.5;
    public double Beta2 { get; init; } = 0.999;
    public long Seed { get; init; } = 999;
    public int SampleEvery { get; init; } = 500;
    public int CheckpointEvery { get; init; } = 500;
    public int KeepCheckpoints { get; init; } = 3;
    public int LogEvery { get; init; } = 1;
    /// <summary>Critic updates per generator update (WGAN-GP only; the other losses alternate 1:1).</summary>
    public int CriticSteps { get; init; } = 5;
    public double GradientPenalty { get; init; } = 10;
    public string Device { get; init; } = "cpu";
    /// <summary>
    /// The convolutions' arithmetic: fp32 (the tutorial's, and what a run's config.json without the field means) or bf16
    /// mixed precision (weights, Adam and BatchNorm statistics stay fp32). The command's default is auto.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;
    /// <summary>Where decoded pixels are cached; null means a .cache folder beside the run directory.</summary>
    public string? CacheDir { get; init; }
    public int FixedNoiseCount { get; init; } = 64;
    /// <summary>Start G (and D) from PyTorch state_dicts instead of weights_init, as pytorch/examples' --netG / --netD.</summary>
    public string? InitG { get; init; }
    public string? InitD { get; init; }
    /// <summary>Keep an exponential moving average of G's weights with this decay (e.g. 0.999); sampling then uses it.</summary>
    public double? EmaDecay { get; init; }
    /// <summary>Differentiable augmentation of everything D sees (DiffAugment); none reproduces the tutorial.</summary>
    public AugmentPolicy Augment { get; init; } = AugmentPolicy.None;
    /// <summary>Probability of each augmentation per image (1: always, the paper's policy); see <see cref="AugmentStrength"/>.</summary>
    public double AugmentP { get; init; } = 1;
    /// <summary>Largest shift of --augment translation, as a fraction of the image size (the paper's 1/8).</summary>
    public double AugmentTranslation { get; init; } = DiffAugment.TranslationRatio;
    /// <summary>Steer the probability by D's overfitting, as ADA does (--augment-p auto); it starts at 0.</summary>
    public bool AugmentAdaptive { get; init; }
    /// <summary>Weight gamma of the R1 penalty on reals (0: none); the loss gets gamma / 2 * E|grad D(x)|^2.</summary>
    public double R1 { get; init; }

    public string ResolvedCacheDir => CacheDir ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(OutDir)) ?? ".", ".cache");

    public TrainingOptions Validate()
    {
        Model.Validate();
        const InputProblem range = InputProblem.OutOfRange;
        Require(!string.IsNullOrWhiteSpace(OutDir), nameof(OutDir), InputProblem.Invalid, "must name a run directory");
        Require(Epochs >= 1, nameof(Epochs), range, $"must be at least 1 (got {Epochs})");
        Require(MaxSteps is null or >= 1, nameof(MaxSteps), range, $"must be at least 1 (got {MaxSteps})");
        Require(BatchSize is >= 2 and <= 4096, nameof(BatchSize), range, $"must be between 2 and 4096 (got {BatchSize}); BatchNorm needs at least 2");
        Require(LrG > 0 && LrG < 1, nameof(LrG), range, $"must be in (0, 1) (got {LrG})");
        Require(LrD > 0 && LrD < 1, nameof(LrD), range, $"must be in (0, 1) (got {LrD})");
        Require(LrDecay is null || (LrDecay.From >= 0 && LrDecay.To > LrDecay.From), nameof(LrDecay), range,
            $"must run from a step to a later one, e.g. 9000-12000 (got {LrDecay})");
        Require(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), range, $"must be in [0, 1) (got {Beta1})");
        Require(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), range, $"must be in [0, 1) (got {Beta2})");
        Require(Seed >= 0, nameof(Seed), range, $"must be a non-negative integer (got {Seed})");
        Require(SampleEvery >= 1, nameof(SampleEvery), range, $"must be at least 1 (got {SampleEvery})");
        Require(CheckpointEvery >= 1, nameof(CheckpointEvery), range, $"must be at least 1 (got {CheckpointEvery})");
        Require(KeepCheckpoints >= 1, nameof(KeepCheckpoints), range, $"must be at least 1 (got {KeepCheckpoints})");
        Require(LogEvery >= 1, nameof(LogEvery), range, $"must be at least 1 (got {LogEvery})");
        Require(CriticSteps >= 1, nameof(CriticSteps), range, $"must be at least 1 (got {CriticSteps})");
        Require(GradientPenalty >= 0, nameof(GradientPenalty), range, $"must be non-negative (got {GradientPenalty})");
        Require(InitG is null || File.Exists(InitG), nameof(InitG), InputProblem.NotFound, $"'{InitG}' does not exist");
        Require(InitD is null || File.Exists(InitD), nameof(InitD), InputProblem.NotFound, $"'{InitD}' does not exist");
        Require(EmaDecay is null or (> 0 and < 1), nameof(EmaDecay), range, $"must be in (0, 1), e.g. 0.999 (got {EmaDecay})");
        Require(AugmentP is >= 0 and <= 1, nameof(AugmentP), range, $"must be between 0 and 1, or auto (got {AugmentP})");
        Require(Augment != AugmentPolicy.None || (AugmentP == 1 && !AugmentAdaptive), nameof(AugmentP), InputProblem.Conflict,
            "doses the augmentations of `augment`: name them too, e.g. `augment` translation,cutout `augmentP` auto");
        Require(!(AugmentAdaptive && Model.Loss == LossKind.WganGp), nameof(AugmentP), InputProblem.Conflict,
            "auto reads D's overfitting from the sign of its score, which a WGAN critic's score does not have; " +
            "give a fixed `augmentP` with `loss` wgan-gp");
        Require(AugmentTranslation is > 0 and <= 0.5, nameof(AugmentTranslation), range, $"must be in (0, 0.5], e.g. 0.125 (got {AugmentTranslation})");
        Require(Augment.HasFlag(AugmentPolicy.Translation) || AugmentTranslation == DiffAugment.TranslationRatio,
            nameof(AugmentTranslation), InputProblem.Conflict,
            "sets the shift of `augment` translation: name it too, e.g. `augment` translation,cutout");
        Require(R1 >= 0 && R1 <= 1000 && double.IsFinite(R1), nameof(R1), range, $"must be between 0 and 1000, e.g. 10 (got {R1})");
        Require(FixedNoiseCount is >= 1 and <= 256, nameof(FixedNoiseCount), range,
            $"(the fixed noise batch) must hold 1 to 256 images (got {FixedNoiseCount})");
        return this;
    }

    /// <summary>Setting names are the properties' names in camelCase, as config.json writes them.</summary>
    private static void Require(bool condition, string property, InputProblem problem, string reason)
    {
        if (!condition) throw new InputException(JsonNamingPolicy.CamelCase.ConvertName(property), problem, reason);
    }
}
