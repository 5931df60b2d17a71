using Dcgan.Evaluation;
using Dcgan.Imaging;

namespace Dcgan.Tests;

public class EvaluationTests
{
    private static FeatureStatistics Stats(double[] mean, double[,] covariance) => new(mean, covariance, 1000);

    private static double[][] Gaussian(int n, int d, double shift, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(j =>
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            return shift + Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) * (1 + j % 3);
        }).ToArray()).ToArray();
    }

    [Fact]
    public void Frechet_distance_matches_the_closed_form_for_known_gaussians()
    {
        // Diagonal: |mu|^2 = 1 + 4; trace terms (1 + 4 - 2*2) + (4 + 1 - 2*2) = 2.
        Assert.Equal(7.0, QualityMetrics.FrechetDistance(
            Stats([0, 0], new double[,] { { 1, 0 }, { 0, 4 } }),
            Stats([1, 2], new double[,] { { 4, 0 }, { 0, 1 } })), 9);
        // Correlated against identity: S1 has eigenvalues 3 and 1, so Tr(S1 + I - 2 S1^(1/2)) = 6 - 2 (sqrt 3 + 1).
        Assert.Equal(4 - 2 * Math.Sqrt(3), QualityMetrics.FrechetDistance(
            Stats([0, 0], new double[,] { { 2, 1 }, { 1, 2 } }),
            Stats([0, 0], new double[,] { { 1, 0 }, { 0, 1 } })), 9);
    }

    [Fact]
    public void Frechet_distance_is_right_for_covariances_that_do_not_commute()
    {
        // A = [[2,1],[1,2]] and B = diag(1,4) do not commute. For 2x2 matrices Tr sqrt(AB) = sqrt(Tr(AB) + 2 sqrt(det A det B)):
        // Tr(AB) = 2 + 8 = 10, det A det B = 3 * 4 = 12. A shortcut such as Tr(sqrt(A) sqrt(B)) gives another number.
        double expected = 4 + 5 - 2 * Math.Sqrt(10 + 2 * Math.Sqrt(12));
        Assert.Equal(expected, QualityMetrics.FrechetDistance(
            Stats([0, 0], new double[,] { { 2, 1 }, { 1, 2 } }),
            Stats([0, 0], new double[,] { { 1, 0 }, { 0, 4 } })), 9);
    }

    [Fact]
    public void Kid_over_one_subset_holding_every_image_is_the_unbiased_mmd_of_the_whole_sets()
    {
        var real = Gaussian(40, 6, 0, 7);
        var fake = Gaussian(40, 6, 0.7, 8);
        static double K(double[] a, double[] b) => Math.Pow(a.Zip(b).Sum(t => t.First * t.Second) / a.Length + 1, 3);
        int m = 40;
        double sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                if (i != j) { sxx += K(real[i], real[j]); syy += K(fake[i], fake[j]); }
                sxy += K(real[i], fake[j]);
            }
        double expected = (sxx + syy) / (m * (m - 1.0)) - 2 * sxy / (m * m);
        Assert.Equal(expected, QualityMetrics.KernelDistance(real, fake, subsets: 1, subsetSize: m).Mean, 9);
    }

    [Fact]
    public void Identical_sets_score_zero_and_shifted_sets_do_not()
    {
        var a = Gaussian(500, 8, 0, 1);
        var same = FeatureStatistics.Of(a);
        Assert.Equal(0, QualityMetrics.FrechetDistance(same, same), 6);
        var b = Gaussian(500, 8, 0, 2);
        var shifted = Gaussian(500, 8, 1.5, 3);
        double fidSame = QualityMetrics.FrechetDistance(same, FeatureStatistics.Of(b));
        double fidShifted = QualityMetrics.FrechetDistance(same, FeatureStatistics.Of(shifted));
        Assert.True(fidSame < 0.5, $"two samples of one distribution: FID {fidSame}");
        Assert.InRange(fidShifted, 8 * 1.5 * 1.5 - 1, 8 * 1.5 * 1.5 + 2); // the mean term dominates: 8 * 1.5^2 = 18

        var kidSame = QualityMetrics.KernelDistance(a, b, subsets: 20, subsetSize: 200);
        var kidShifted = QualityMetrics.KernelDistance(a, shifted, subsets: 20, subsetSize: 200);
        Assert.True(Math.Abs(kidSame.Mean) < 3 * kidSame.StandardDeviation + 0.05,
            $"KID of one distribution {kidSame.Mean} +- {kidSame.StandardDeviation}");
        Assert.True(kidShifted.Mean > 10 * Math.Abs(kidSame.Mean) && kidShifted.Mean > 0.5, $"KID shifted {kidShifted.Mean}");
    }

    [Fact]
    public void Precision_and_recall_see_coverage()
    {
        var real = Gaussian(300, 4, 0, 4);
        var same = QualityMetrics.PrecisionAndRecall(real, real);
        Assert.Equal(1.0, same.Precision);
        Assert.Equal(1.0, same.Recall);
        var far = Gaussian(300, 4, 100, 5);
        var disjoint = QualityMetrics.PrecisionAndRecall(real, far);
        Assert.Equal(0.0, disjoint.Precision);
        Assert.Equal(0.0, disjoint.Recall);
        // Fakes squeezed into the middle of the real cloud: precise, but they cover little of it.
        var collapsed = real.Select(r => r.Select(v => v * 0.1).ToArray()).ToArray();
        var modeCollapse = QualityMetrics.PrecisionAndRecall(real, collapsed);
        Assert.True(modeCollapse.Precision > 0.9 && modeCollapse.Recall < 0.3, $"{modeCollapse}");
    }

    [Fact]
    public void A_feature_network_that_is_not_onnx_is_named_as_what_it_is()
    {
        string dir = TestData.TempDir("features-kind");
        string png = Path.Combine(dir, "samples.png"), junk = Path.Combine(dir, "junk.onnx");
        File.WriteAllBytes(png, TestData.EncodePng(8, 8, (_, _) => (1, 2, 3, 255)));
        File.WriteAllBytes(junk, [0x0b, 0x0c, 0x0d, 0x0e, 0x0f]);
        Assert.Contains($"feature network '{png}' is an image (PNG), not an ONNX model",
            Assert.Throws<InvalidDataException>(() => new FeatureExtractor(png)).Message);
        Assert.Contains($"feature network '{junk}' is not a readable ONNX model",
            Assert.Throws<InvalidDataException>(() => new FeatureExtractor(junk)).Message);
        string empty = Path.Combine(dir, "empty.onnx");
        File.WriteAllBytes(empty, []);
        Assert.Contains($"feature network '{empty}' is not a readable ONNX model",
            Assert.Throws<InvalidDataException>(() => new FeatureExtractor(empty)).Message);
    }

    [Fact]
    public void The_resnet18_extractor_gives_stable_512_wide_features_that_see_image_content()
    {
        using var extractor = new FeatureExtractor();
        Assert.Equal("ResNet-18", extractor.Name);
        static PixelImage Image(Func<int, int, int, byte> value)
        {
            var pixels = new byte[64 * 64 * 3];
            for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) for (int c = 0; c < 3; c++)
                pixels[(y * 64 + x) * 3 + c] = value(x, y, c);
            return new PixelImage(64, 64, 3, pixels);
        }
        var disc = Image((x, y, c) => (x - 32) * (x - 32) + (y - 32) * (y - 32) < 400 ? (byte)(c == 0 ? 220 : 40) : (byte)255);
        var discShifted = Image((x, y, c) => (x - 34) * (x - 34) + (y - 32) * (y - 32) < 400 ? (byte)(c == 0 ? 220 : 40) : (byte)255);
        var stripes = Image((x, _, c) => (x / 8) % 2 == 0 ? (byte)(c == 2 ? 200 : 20) : (byte)240);
        var a = extractor.ExtractOne(disc);
        Assert.Equal(512, a.Length);
        Assert.Equal(a, extractor.ExtractOne(disc)); // deterministic
        Assert.All(a, v => Assert.True(v >= 0)); // pooled after ReLU
        static double Distance(double[] p, double[] q) => Math.Sqrt(p.Zip(q).Sum(t => (t.First - t.Second) * (t.First - t.Second)));
        Assert.True(Distance(a, extractor.ExtractOne(discShifted)) < 0.5 * Distance(a, extractor.ExtractOne(stripes)));

        // Batched runs (the shipped network has a fixed batch of 1; the extractor frees it) give each image's own features.
        var many = Enumerable.Range(0, FeatureExtractor.BatchSize + 3)
            .Select(i => i % 3 == 0 ? disc : i % 3 == 1 ? discShifted : stripes)
            .ToList();
        var batched = extractor.Extract(many);
        Assert.Equal(many.Count, batched.Length);
        for (int i = 0; i < many.Count; i++)
        {
            var alone = extractor.ExtractOne(many[i]);
            Assert.True(Distance(alone, batched[i]) <= 1e-5 * Math.Sqrt(alone.Sum(v => v * v)),
                $"image {i}: batched features differ from its own");
        }
        Assert.NotEqual(batched[0], batched[2]);
    }
}
