using Dcgan.Latent;
using Dcgan.Models;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class LatentEditingTests
{
    private static Tensor Normal(int n, int nz, ulong seed)
    {
        using var random = new TorchSharp.torch.Generator(seed);
        return randn(n, nz, generator: random);
    }

    private static double Cosine(Tensor a, Tensor b) =>
        a.flatten().dot(b.flatten()).item<float>() / (a.norm().item<float>() * b.norm().item<float>());

    private static Tensor Axis(int nz, int i) { var e = zeros(nz); e[i] = tensor(1f); return e; }

    [Theory]
    [InlineData(nameof(AttributeMethod.MeanDiff))]
    [InlineData(nameof(AttributeMethod.Balanced))]
    [InlineData(nameof(AttributeMethod.Svm))]
    public void A_vector_from_labels_decided_by_the_sign_of_z0_points_along_axis_0(string methodName)
    {
        var method = Enum.Parse<AttributeMethod>(methodName); // test data names it: the enum is internal
        using var z = Normal(400, 20, 1);
        bool[] labels = Enumerable.Range(0, 400).Select(i => z[i, 0].item<float>() > 0).ToArray();
        var (v, validation) = AttributeFitter.FitAndValidate(method, z, labels);
        Assert.True(Cosine(v, Axis(20, 0)) > 0.9, $"cosine with axis 0: {Cosine(v, Axis(20, 0))}");
        Assert.True(validation.HeldOut);
        Assert.Equal(5, validation.Folds);
        Assert.True(validation.RocAuc > 0.95, $"held-out AUC {validation.RocAuc}");
        Assert.True(validation.Accuracy > 0.85, $"held-out accuracy {validation.Accuracy}");
        if (method == AttributeMethod.MeanDiff) Assert.InRange(v[0].item<float>(), 1.4, 1.8); // 2 E[z0 | z0 > 0] = 2 sqrt(2/pi) = 1.6
    }

    [Fact]
    public void Balanced_removes_the_share_of_a_correlated_attribute()
    {
        // A = z0 > 0 and B = z1 > 0, kept 90 % correlated by selection: mean-diff leans toward axis 1, balanced does not.
        using var all = Normal(4000, 10, 2);
        var keep = new List<long>();
        for (int i = 0; i < 4000; i++)
        {
            bool a = all[i, 0].item<float>() > 0, b = all[i, 1].item<float>() > 0;
            if (a == b || i % 10 == 0) keep.Add(i);
        }
        using var z = all.index_select(0, tensor(keep.ToArray()));
        bool[] labelA = keep.Select((_, k) => z[k, 0].item<float>() > 0).ToArray();
        bool[] labelB = keep.Select((_, k) => z[k, 1].item<float>() > 0).ToArray();
        var plain = AttributeFitter.Direction(AttributeMethod.MeanDiff, z, labelA);
        var balanced = AttributeFitter.Direction(AttributeMethod.Balanced, z, labelA, labelB);
        Assert.True(Math.Abs(plain[1].item<float>()) > 0.8, $"mean-diff's axis-1 share {plain[1].item<float>()}");
        Assert.True(Math.Abs(balanced[1].item<float>()) < 0.15, $"balanced's axis-1 share {balanced[1].item<float>()}");
        Assert.True(Cosine(balanced, Axis(10, 0)) > 0.95);
    }

    [Fact]
    public void Too_few_labels_is_a_clear_error_and_few_labels_are_reported_as_not_held_out()
    {
        using var z = Normal(5, 8, 3);
        var e = Assert.Throws<InputException>(() =>
            AttributeFitter.Direction(AttributeMethod.MeanDiff, z, [true, false, false, false, false]));
        Assert.Contains("at least 2 images with and 2 without", e.Message);
        var (_, validation) = AttributeFitter.FitAndValidate(AttributeMethod.MeanDiff, z[..4], [true, true, false, false]);
        Assert.False(validation.HeldOut);
    }

    [Fact]
    public void Roc_auc_counts_ordered_pairs()
    {
        Assert.Equal(1.0, AttributeFitter.RocAuc([3, 2, 1, 0], [true, true, false, false]));
        Assert.Equal(0.0, AttributeFitter.RocAuc([0, 1, 2, 3], [true, true, false, false]));
        Assert.Equal(0.75, AttributeFitter.RocAuc([3, 1, 2, 0], [true, true, false, false]));
    }

    [Fact]
    public void Slerp_keeps_the_norm_and_hits_both_ends_while_lerp_shrinks_it()
    {
        using var a = Normal(1, 100, 4);
        using var b0 = Normal(1, 100, 5);
        using var b = b0.mul(a.norm().div(b0.norm())); // same norm as a
        Assert.True(LatentMath.Slerp(a, b, 0).allclose(a, atol: 1e-5));
        Assert.True(LatentMath.Slerp(a, b, 1).allclose(b, atol: 1e-5));
        double norm = a.norm().item<float>();
        foreach (double t in new[] { 0.25, 0.5, 0.9 }) Assert.Equal(norm, LatentMath.Slerp(a, b, t).norm().item<float>(), 3);
        Assert.True(LatentMath.Lerp(a, b, 0.5).norm().item<float>() < 0.8 * norm); // ~0.71 for near-orthogonal vectors
        using var path = LatentMath.Path([a, b, a], 5, spherical: true);
        Assert.Equal(9, path.shape[0]); // 5 + 4: the shared waypoint once
        Assert.True(path[4].allclose(b.flatten(), atol: 1e-5));
    }

    [Fact]
    public void A_condition_leaves_the_conditioned_component_unchanged()
    {
        using var v = Normal(1, 30, 6).flatten();
        using var c1 = Normal(1, 30, 7).flatten();
        using var c2 = Normal(1, 30, 8).flatten();
        using var conditioned = LatentMath.Condition(v, [c1, c2]);
        using var z = Normal(3, 30, 9);
        using var edited = LatentMath.Edit(z, [(conditioned, 2.5)]);
        using var change = edited.sub(z);
        foreach (var c in new[] { c1, c2 }) Assert.True(change.matmul(c).abs().max().item<float>() < 1e-3);
        Assert.True(Cosine(conditioned, v) > 0.5); // it is still mostly the attribute
        // Conditioned on itself (or on directions that span it) nothing is left: refused, not every strength the same image.
        using var spanned = v.mul(0.7).add(c1.mul(0.3));
        foreach (Tensor[] conditions in new[] { new[] { v }, new[] { c1, spanned } })
            Assert.Contains("the conditions span the edited vector itself",
                Assert.Throws<InputException>(() => LatentMath.Condition(v, conditions)).Message);
    }

    [Fact]
    public void Edits_add_strength_times_vector_with_unit_and_keep_norm_options()
    {
        using var z = Normal(2, 10, 10);
        var v = Axis(10, 3).mul(4);
        Assert.True(LatentMath.Edit(z, [(v, 0.5)]).sub(z).allclose(v.mul(0.5).expand(2, 10)));
        Assert.True(LatentMath.Edit(z, [(v, 0.5)], unit: true).sub(z).allclose(Axis(10, 3).mul(0.5).expand(2, 10)));
        using var kept = LatentMath.Edit(z, [(v, 3)], keepNorm: true);
        Assert.True(kept.norm(1).allclose(z.norm(1)));
    }

    [Fact]
    public void Vector_files_round_trip_and_refuse_another_model()
    {
        var vector = new AttributeVector
        {
            Name = "smile", Method = AttributeMethod.Svm, Nz = 3, ModelHash = "abc123", SeedsWith = [1, 2], SeedsWithout = [3, 4],
            Norm = 1, Validation = new VectorValidation(0.9, 0.95, 2, true), Vector = [0.6f, 0f, 0.8f],
        };
        string path = Path.Combine(TestData.TempDir("vector"), "smile.json");
        vector.Save(path);
        var back = AttributeVector.Load(path);
        Assert.Equal(vector.Vector, back.Vector);
        Assert.Equal(vector.SeedsWith, back.SeedsWith);
        Assert.Equal(vector.Validation, back.Validation);
        Assert.Equal(AttributeMethod.Svm, back.Method);
        Assert.Contains("\"method\": \"svm\"", File.ReadAllText(path));
        Assert.Null(back.CheckFits(3, "abc123", false));
        Assert.Contains("nz = 3, the model has nz = 100",
            Assert.Throws<InputException>(() => back.CheckFits(100, "abc123", false)).Message);
        // Another model's vector: its own kind of problem, so each face can offer its way to apply it anyway.
        Assert.Equal(InputProblem.OtherModel, Assert.Throws<InputException>(() => back.CheckFits(3, "other", false)).Problem);
        Assert.StartsWith("warning:", back.CheckFits(3, "other", true));
    }

    [Fact]
    public void Arithmetic_is_mean_a_minus_mean_b_plus_mean_c_with_bounded_neighbours()
    {
        using var a = Normal(3, 10, 11); using var b = Normal(3, 10, 12); using var c = Normal(3, 10, 13);
        var result = VectorArithmetic.Compute(a, b, c, neighbours: 8, radius: 0.25, seed: 1);
        Assert.True(result.Y.allclose(a.mean([0]).sub(b.mean([0])).add(c.mean([0])).unsqueeze(0), atol: 1e-5));
        Assert.Equal(new long[] { 8, 10 }, result.Neighbours.shape);
        Assert.True(result.Neighbours.sub(result.Y).abs().max().item<float>() <= 0.25);
    }

    [Fact]
    public void Sefa_and_pca_give_orthonormal_or_unit_directions()
    {
        var g = new Models.Generator(new ModelOptions { Nz = 16, Ngf = 4, ImageSize = 32 });
        WeightInit.Apply(g, new TorchSharp.torch.Generator(1));
        var sefa = Directions.Sefa(g, 4);
        Assert.Equal(4, sefa.Count);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(i == j ? 1.0 : 0.0, sefa[i].Vector.dot(sefa[j].Vector).item<float>(), 4);
        Assert.True(sefa[0].Score >= sefa[3].Score);
        var pca = Directions.Pca(g, 3, samples: 256);
        Assert.All(pca, d => Assert.Equal(1.0, d.Vector.norm().item<float>(), 4));
        Assert.All(pca, d => Assert.InRange(d.Sigma, 0.3, 3));
        Assert.Throws<InputException>(() => Directions.Sefa(g, 17));

        // SeFa's directions are the top left singular vectors of the column-normalised first-layer weight.
        var w = g.FirstLayerWeight.detach().to(ScalarType.Float64).reshape(16, -1);
        w = w.div(w.norm(0, keepdim: true));
        var (u, _, _) = linalg.svd(w, fullMatrices: false);
        for (int i = 0; i < 4; i++)
            Assert.Equal(1.0, Math.Abs(u[.., i].to(ScalarType.Float32).dot(sefa[i].Vector).item<float>()), 4);
    }

    [Fact]
    public void Randomised_top_singular_vectors_match_the_full_svd()
    {
        // A 600 x 300 matrix with singular values 50, 40, 30, 20, then 1 and below: PCA's shape, small.
        using var random = new TorchSharp.torch.Generator(5);
        var (q1, _) = linalg.qr(randn([600, 300], dtype: ScalarType.Float64, generator: random));
        var (q2, _) = linalg.qr(randn([300, 300], dtype: ScalarType.Float64, generator: random));
        var spectrum = cat([tensor(new double[] { 50, 40, 30, 20 }), linspace(1, 0.01, 296, dtype: ScalarType.Float64)]);
        var a = q1.mul(spectrum.unsqueeze(0)).matmul(q2.T);
        var (_, exactValues, exactVectors) = linalg.svd(a, fullMatrices: false);
        var (values, vectors) = Directions.TopRightSingularVectors(a, 4, seed: 3);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(exactValues[i].item<double>(), values[i].item<double>(), 6);
            Assert.Equal(1.0, Math.Abs(exactVectors[i].dot(vectors[i]).item<double>()), 8);
            Assert.True(vectors[i][vectors[i].abs().argmax()].item<double>() > 0, "the sign convention: largest component positive");
        }
        // Not any unit vectors: a random direction is far from the top one.
        var other = randn([300], dtype: ScalarType.Float64, generator: random);
        Assert.True(Math.Abs(other.div(other.norm()).dot(vectors[0]).item<double>()) < 0.3);
    }
}
