using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Tests;

/// <summary>--augment-p: a fixed dose of each augmentation, or one steered by D's overfitting as ADA does.</summary>
public class AugmentStrengthTests
{
    [Fact]
    public void P_rises_while_d_is_sure_of_the_reals_falls_when_it_is_not_and_stays_in_0_to_1()
    {
        var strength = new AugmentStrength(1, adaptive: true);
        Assert.Equal(0, strength.P); // ADA starts without augmentation
        const int batch = 50;
        double stepSize = batch * AugmentStrength.Interval / AugmentStrength.RampImages;
        using var sure = full(batch, 0.9f);    // probabilities: every real called real, r_t = 1 > 0.6
        using var unsure = full(batch, 0.3f);  // r_t = -1 < 0.6
        for (long step = 0; step < 3; step++) strength.Observe(sure, LossKind.Bce, step);
        Assert.Equal(0, strength.P);           // p moves only every Interval steps
        strength.Observe(sure, LossKind.Bce, 3);
        Assert.Equal(stepSize, strength.P, 12);
        for (long step = 4; step < 4 + 4 * 1000; step++) strength.Observe(sure, LossKind.Bce, step);
        Assert.Equal(1, strength.P);           // clamped
        for (long step = 4004; step < 4004 + 8; step++) strength.Observe(unsure, LossKind.Bce, step);
        Assert.Equal(1 - 2 * stepSize, strength.P, 12);
        // Logit losses: the raw score's sign itself (0.3 is positive, so "real").
        var logits = new AugmentStrength(1, adaptive: true);
        for (long step = 0; step < 4; step++) logits.Observe(unsure, LossKind.Hinge, step);
        Assert.Equal(stepSize, logits.P, 12);
        // A fixed dose never moves.
        var fixedDose = new AugmentStrength(0.3, adaptive: false);
        for (long step = 0; step < 8; step++) fixedDose.Observe(sure, LossKind.Bce, step);
        Assert.Equal(0.3, fixedDose.P);
    }

    [Fact]
    public void With_p_0_no_image_is_augmented_and_with_p_1_every_one_is()
    {
        using var x = rand(32, 3, 16, 16).mul(2).sub(1);
        using var none = DiffAugment.Apply(x, AugmentPolicy.Translation | AugmentPolicy.Cutout, new TorchGenerator(5), p: 0);
        Assert.True(none.eq(x).all().item<bool>());
        using var half = DiffAugment.Apply(x, AugmentPolicy.Cutout, new TorchGenerator(5), p: 0.5);
        long changed = Enumerable.Range(0, 32).Count(i => half[i].ne(x[i]).any().item<bool>());
        Assert.InRange(changed, 6, 26); // Binomial(32, 0.5): well inside 6..26
        using var always = DiffAugment.Apply(x, AugmentPolicy.Cutout, new TorchGenerator(5), p: 1);
        Assert.Equal(32, Enumerable.Range(0, 32).Count(i => always[i].ne(x[i]).any().item<bool>()));
    }

    [Fact]
    public void A_run_with_p_0_trains_as_one_without_augmentation()
    {
        string root = TestData.TempDir("augment-p0");
        var plain = TestData.TinyRun(root);
        var dosed = plain with
        {
            OutDir = Path.Combine(root, "dosed"), Augment = AugmentPolicy.Translation | AugmentPolicy.Cutout, AugmentP = 0
        };
        string a = new Trainer(plain).Run(resume: false).LastCheckpoint!, b = new Trainer(dosed).Run(resume: false).LastCheckpoint!;
        Assert.True(TestData.GeneratorWeights(a).eq(TestData.GeneratorWeights(b)).all().item<bool>(), "p = 0 changed what D saw");
    }

    [Fact]
    public void An_adaptive_run_resumes_bit_exactly_logs_p_and_keeps_it_in_its_checkpoints()
    {
        string root = TestData.TempDir("augment-auto");
        // 24 steps on 10 images: D grows sure of them within a few steps, so p moves; the stop at step 2 falls between updates.
        var options = TestData.TinyRun(root) with
        {
            MaxSteps = 24, Epochs = 100, Augment = AugmentPolicy.Translation | AugmentPolicy.Cutout, AugmentAdaptive = true
        };
        var (straight, resumed, resumedOptions) = TestData.StraightAndResumed(options);
        Assert.True(resumedOptions.AugmentAdaptive);
        Assert.True(TestData.GeneratorWeights(straight).eq(TestData.GeneratorWeights(resumed)).all().item<bool>(), "the resumed adaptive run differs from the uninterrupted one");
        var state = Checkpoint.ReadState(straight).Augment!;
        Assert.Equal(state, Checkpoint.ReadState(resumed).Augment);
        Assert.True(state.P > 0, $"p never rose (r_t stayed under {AugmentStrength.Target})");

        var rows = MetricsLog.Read(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(straight))!, "metrics.csv"));
        Assert.Equal(24, rows.Count);
        Assert.Equal(0, rows[0].AugmentP);
        for (int i = 1; i < rows.Count; i++)
        {
            double change = rows[i].AugmentP - rows[i - 1].AugmentP;
            if (i % AugmentStrength.Interval != 0) Assert.Equal(0, change, 9);             // p moves only between intervals
            else
            {
                // by the images seen in the interval over the ramp (an epoch's last batch is smaller), up or down
                double images = Math.Abs(change) * AugmentStrength.RampImages;
                Assert.True(Math.Abs(images - Math.Round(images)) < 1e-3 && images <= options.BatchSize * AugmentStrength.Interval,
                    $"p moved by {change}");
            }
        }
    }

    [Fact]
    public void Augment_p_needs_augmentations_and_a_probability()
    {
        var plain = TestData.TinyRun(TestData.TempDir("augment-p-bad"));
        Assert.Contains("name them too", Assert.Throws<InputException>(() =>
            (plain with { AugmentAdaptive = true }).Validate()).Message);
        Assert.Contains("between 0 and 1", Assert.Throws<InputException>(() =>
            (plain with { Augment = AugmentPolicy.Cutout, AugmentP = 1.5 }).Validate()).Message);
    }

    [Fact]
    public void The_train_command_takes_augment_p_and_a_resume_may_repeat_it_but_not_change_it()
    {
        string root = TestData.TempDir("augment-p-cli");
        string run = Path.Combine(root, "run"), images = TestData.ImageFolder(8);
        string[] Flags(string output, bool augment = true) => ["train", "--data", images, "--out", output, "--image-size", "32",
            "--nz", "8", "--ngf", "4", "--ndf", "4", "--batch-size", "4", "--epochs", "100", "--cache-dir", Path.Combine(root, "cache"),
            .. augment ? new[] { "--augment", "translation,cutout" } : []];
        string[] flags = Flags(run);
        var trained = CliTests.Run([.. flags, "--augment-p", "auto", "--max-steps", "8"]);
        Assert.True(trained.Code == 0, trained.Err);
        Assert.EndsWith(",augment_p", File.ReadLines(Path.Combine(run, "metrics.csv")).First());

        var again = CliTests.Run([.. flags, "--augment-p", "auto", "--max-steps", "12", "--resume"]);
        Assert.True(again.Code == 0, again.Err);
        var changed = CliTests.Run([.. flags, "--augment-p", "0.5", "--max-steps", "16", "--resume"]);
        Assert.NotEqual(0, changed.Code);
        Assert.Contains("--augment-p is auto in the run, 0.5 here", changed.Err);

        var bad = CliTests.Run([.. Flags(Path.Combine(root, "bad")), "--augment-p", "2"]);
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("--augment-p: '2' is not a probability", bad.Err);
        var alone = CliTests.Run([.. Flags(Path.Combine(root, "alone"), augment: false), "--augment-p", "auto"]);
        Assert.Contains("name them too", alone.Err);
    }
}
