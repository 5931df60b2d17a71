using Dcgan.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>SWD on Laplacian pyramids against direct computations: the 1-D distances, the pyramid's filters, and what it measures.</summary>
public class SlicedWassersteinTests
{
    private static float[,] Rows(Tensor t)
    {
        var data = t.contiguous().data<float>().ToArray();
        var rows = new float[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(data, 0, rows, 0, data.Length * sizeof(float));
        return rows;
    }

    /// <summary>Per direction: project both sets, sort, mean |difference|; then the mean over directions. Loops only.</summary>
    private static double Direct(Tensor a, Tensor b, Tensor directions)
    {
        var (ra, rb, d) = (Rows(a), Rows(b), Rows(directions));
        int n = ra.GetLength(0), dims = ra.GetLength(1), count = d.GetLength(1);
        double total = 0;
        for (int j = 0; j < count; j++)
        {
            var pa = new double[n]; var pb = new double[n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < dims; k++) { pa[i] += ra[i, k] * d[k, j]; pb[i] += rb[i, k] * d[k, j]; }
            Array.Sort(pa); Array.Sort(pb);
            total += pa.Zip(pb, (x, y) => Math.Abs(x - y)).Average();
        }
        return total / count;
    }

    private static Tensor UnitDirections(int dims, int count, int seed)
    {
        manual_seed(seed);
        var d = randn(dims, count);
        return d.div(d.norm(0, keepdim: true));
    }

    [Fact]
    public void The_distance_is_the_mean_1d_wasserstein_of_the_projections()
    {
        manual_seed(1);
        var a = randn(300, 6);
        var b = randn(300, 6).mul(1.5).add(0.3);
        var directions = UnitDirections(6, 9, 2);
        Assert.Equal(Direct(a, b, directions), SlicedWasserstein.Distance(a, b, directions), 4);
        // A set moved by t: every projection moves by t . theta, so the distance is the mean of |t . theta| exactly.
        var t = tensor(new float[] { 0.5f, -1, 2, 0, 0.25f, 1 });
        double expected = directions.T.matmul(t).abs().mean().item<float>();
        Assert.Equal(expected, SlicedWasserstein.Distance(a, a.add(t), directions), 4);
        Assert.Equal(0, SlicedWasserstein.Distance(a, a, directions), 6);
    }

    /// <summary>The 5x5 binomial filter with mirrored edges (d c b | a b c d | c b a), written out.</summary>
    private static float[,] DirectBlur(float[,] image, double gain)
    {
        int h = image.GetLength(0), w = image.GetLength(1);
        int[] taps = [1, 4, 6, 4, 1];
        int Mirror(int i, int n) => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
        var result = new float[h, w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -2; dx <= 2; dx++)
                        sum += taps[dy + 2] * taps[dx + 2] * image[Mirror(y + dy, h), Mirror(x + dx, w)];
                result[y, x] = (float)(sum * gain / 256);
            }
        return result;
    }

    [Fact]
    public void Pyramid_down_and_up_are_cv2s_filters()
    {
        manual_seed(3);
        var image = rand(1, 1, 8, 8).mul(255);
        var plain = Rows(image[0, 0]);
        var blurred = DirectBlur(plain, 1);
        var down = Rows(SlicedWasserstein.PyramidDown(image)[0, 0]);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                Assert.Equal(blurred[2 * y, 2 * x], down[y, x], 3);

        var spread = new float[16, 16];
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) spread[2 * y, 2 * x] = plain[y, x];
        var expectedUp = DirectBlur(spread, 4);
        var up = Rows(SlicedWasserstein.PyramidUp(image)[0, 0]);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                Assert.Equal(expectedUp[y, x], up[y, x], 3);

        // Levels of a 64-pixel image: 64, 32, 16; the last is the small image itself, the others band-pass.
        var pyramid = SlicedWasserstein.LaplacianPyramid(rand(2, 3, 64, 64).mul(255), SlicedWasserstein.Levels(64));
        Assert.Equal([64L, 32, 16], pyramid.Select(l => l.shape[2]));
        Assert.True(pyramid[0].mean().abs().item<float>() < 5, "a band-pass level has a mean near 0");
    }

    [Fact]
    public void Identical_sets_score_zero_and_a_blur_shows_at_the_finest_level()
    {
        manual_seed(4);
        // Blocky images with sharp edges: 4x4 tiles of random colour, upsampled to 32.
        var images = rand(32, 3, 4, 4).mul(255).round().repeat_interleave(8, 2).repeat_interleave(8, 3);
        var same = SlicedWasserstein.Compare(images, images.clone());
        Assert.All(same.Levels, l => Assert.Equal(0, l.Distance, 6)); // both sets are sampled at the same places
        // Another draw of the same kind of image is the noise floor: a blur must stand out above it.
        var others = rand(32, 3, 4, 4).mul(255).round().repeat_interleave(8, 2).repeat_interleave(8, 3);
        var floor = SlicedWasserstein.Compare(images, others);

        var blurred = nn.functional.avg_pool2d(nn.functional.pad(images, [1, 1, 1, 1], PaddingModes.Replicate), 3, 1);
        var result = SlicedWasserstein.Compare(images, blurred);
        Assert.Equal([32, 16], result.Levels.Select(l => l.Resolution));
        Assert.True(result.Levels[0].Distance > 2 * floor.Levels[0].Distance,
            $"blurred {result.Levels[0].Distance:F1} against the same kind of images {floor.Levels[0].Distance:F1} at 32 px");
        Assert.True(result.Levels[0].Distance > result.Levels[1].Distance,
            $"a 3x3 blur changes fine detail most: {string.Join(", ", result.Levels)}");
        Assert.Equal(result.Levels.Average(l => l.Distance), result.Mean, 9);
        // The same seed gives the same figure.
        Assert.Equal(result.Mean, SlicedWasserstein.Compare(images, blurred).Mean, 9);
    }

    [Fact]
    public void Sets_of_different_shapes_or_sizes_are_refused()
    {
        Assert.Contains("the same shape", Assert.Throws<ArgumentException>(() =>
            SlicedWasserstein.Compare(zeros(4, 3, 32, 32), zeros(5, 3, 32, 32))).Message);
        Assert.Contains("power-of-two size of at least 16", Assert.Throws<ArgumentException>(() =>
            SlicedWasserstein.Compare(zeros(4, 3, 24, 24), zeros(4, 3, 24, 24))).Message);
    }
}
