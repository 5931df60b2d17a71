using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class TrainingHealthTests
{
    private static MetricsRow Row(long step, double lossD, double dgz) => new(step, 0, lossD, 5, 0.99, dgz, dgz, 60, step);

    [Fact]
    public void D_winning_is_said_once_when_it_starts_and_again_after_it_cleared()
    {
        string run = TestData.TempDir("health");
        var health = new TrainingHealth(new TrainingOptions(), run);
        var warnings = new List<HealthWarning>();
        void Feed(int from, int count, double lossD, double dgz)
        {
            for (int s = from; s < from + count; s++) if (health.Observe(Row(s, lossD, dgz)) is { } w) warnings.Add(w);
        }
        Feed(0, 200, 1.2, 0.3);       // a healthy tutorial run
        Assert.Empty(warnings);
        Feed(200, 300, 0.002, 0.001); // D wins: said once, when the window's averages cross
        Assert.Single(warnings);
        Assert.Equal("d-won", warnings[0].Kind);
        Assert.InRange(warnings[0].Step, 201, 300);
        Assert.Contains("`augment`", warnings[0].Message); // a setting, named for each face to word (the command: --augment)
        Feed(500, 200, 1.0, 0.3);     // recovered (a resumed run with other settings, say)
        Feed(700, 200, 0.002, 0.001); // and lost again: said again
        Assert.Equal(2, warnings.Count);
        Assert.Equal(warnings, TrainingHealth.Read(run)); // the run's health.jsonl holds them, for the studio
    }

    [Fact]
    public void Losses_without_a_probability_scale_are_not_judged_by_it()
    {
        var health = new TrainingHealth(new TrainingOptions { Model = new ModelOptions { Loss = LossKind.Hinge } },
            TestData.TempDir("health"));
        for (int s = 0; s < 300; s++) Assert.Null(health.Observe(Row(s, 0.0, 0.0)));
    }

    [Fact]
    public void A_fixed_noise_grid_of_one_image_repeated_is_a_collapse()
    {
        var health = new TrainingHealth(new TrainingOptions(), TestData.TempDir("health"));
        // At initialisation G draws nearly one grey image for every z: not a collapse, since it never was diverse.
        using var grey = zeros(16, 3, 8, 8).add(randn(16, 3, 8, 8).mul(0.01));
        Assert.Null(health.ObserveGrid(1, grey));
        using var varied = rand(16, 3, 8, 8).mul(2).sub(1);
        Assert.Null(health.ObserveGrid(100, varied));
        using var same = varied[0].unsqueeze(0).expand(16, -1, -1, -1).add(randn(16, 3, 8, 8).mul(0.01));
        var warning = health.ObserveGrid(200, same);
        Assert.NotNull(warning);
        Assert.Equal("g-collapsed", warning!.Kind);
        Assert.Null(health.ObserveGrid(300, same)); // still collapsed: not said again
    }
}
