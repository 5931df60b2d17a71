using Dcgan.Evaluation;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>The checkerboard measure against a direct DFT and against images with a known pattern added.</summary>
public class UpsamplingPeaksTests
{
    /// <summary>Smooth random images (noise blurred by a 5x5 box), as a stand-in for real ones: little power at high frequencies.</summary>
    private static Tensor SmoothImages(int n, int channels, int size, int seed)
    {
        manual_seed(seed);
        var noise = rand(n, channels, size + 4, size + 4).mul(255);
        return nn.functional.avg_pool2d(noise, 5, stride: 1);
    }

    /// <summary>A pattern that repeats every <paramref name="period"/> pixels in both directions, values -1..1.</summary>
    private static Tensor Pattern(int size, int period, int seed)
    {
        manual_seed(seed);
        var tile = rand(period, period).mul(2).sub(1);
        return tile.repeat(size / period, size / period);
    }

    [Fact]
    public void The_mean_power_is_the_squared_dft_of_the_grey_image_less_its_mean()
    {
        var images = SmoothImages(2, 3, 8, 1);
        var power = UpsamplingPeaks.MeanPower(images);
        var pixels = images.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        // The direct sum: grey = mean of the channels, its own mean removed, |sum x e^{-2 pi i (u y + v x) / 8}|^2, averaged.
        foreach (var (u, v) in new[] { (0, 0), (1, 0), (0, 3), (4, 4), (5, 2) })
        {
            double mean = 0;
            for (int i = 0; i < 2; i++)
            {
                var grey = new double[8, 8];
                double average = 0;
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++)
                    {
                        for (int c = 0; c < 3; c++) grey[y, x] += pixels[((i * 3 + c) * 8 + y) * 8 + x] / 3;
                        average += grey[y, x] / 64;
                    }
                double re = 0, im = 0;
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++)
                    {
                        double angle = -2 * Math.PI * (u * y + v * x) / 8.0;
                        re += (grey[y, x] - average) * Math.Cos(angle);
                        im += (grey[y, x] - average) * Math.Sin(angle);
                    }
                mean += (re * re + im * im) / 2;
            }
            Assert.Equal(mean, power[u, v].item<double>(), 6);
        }
    }

    [Fact]
    public void Identical_sets_have_no_excess_at_any_period()
    {
        var images = SmoothImages(16, 3, 64, 2);
        var result = UpsamplingPeaks.Compare(images, images.clone());
        Assert.Equal([2, 4, 8, 16], result.Periods.Select(p => p.Period));
        Assert.All(result.Periods, p => Assert.Equal(1.0, p.Excess, 9));
    }

    [Fact]
    public void A_pattern_added_every_2_pixels_shows_at_period_2_and_not_at_the_coarser_ones()
    {
        var real = SmoothImages(32, 3, 32, 3);
        var fake = SmoothImages(32, 3, 32, 4) + Pattern(32, 2, 5).mul(12);
        var result = UpsamplingPeaks.Compare(real, fake);
        Assert.Equal([2, 4, 8], result.Periods.Select(p => p.Period));
        Assert.True(result.Periods[0].Excess > 10, result.ToString());
        Assert.All(result.Periods.Skip(1), p => Assert.InRange(p.Excess, 0.7, 1.4));
    }

    [Fact]
    public void A_pattern_every_8_pixels_shows_at_period_8_and_another_set_of_smooth_images_shows_none()
    {
        var real = SmoothImages(32, 1, 64, 6);
        var fake = SmoothImages(32, 1, 64, 7) + Pattern(64, 8, 8).mul(8);
        var result = UpsamplingPeaks.Compare(real, fake);
        Assert.True(result.Periods[2].Excess > 5, result.ToString()); // period 8
        var clean = UpsamplingPeaks.Compare(real, SmoothImages(32, 1, 64, 9));
        Assert.All(clean.Periods, p => Assert.InRange(p.Excess, 0.7, 1.4));
    }

    [Fact]
    public void Sets_of_other_shapes_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => UpsamplingPeaks.Compare(zeros(2, 3, 16, 16), zeros(2, 1, 16, 16)));
        Assert.Contains("one image size", error.Message);
        Assert.Throws<ArgumentException>(() => UpsamplingPeaks.Compare(zeros(2, 1, 12, 12), zeros(2, 1, 12, 12)));
    }
}
