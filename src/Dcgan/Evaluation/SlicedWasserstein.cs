using TorchSharp;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Evaluation;

/// <summary>One pyramid level's distance: its resolution and the SWD there (x 10^3, as the paper reports it).</summary>
internal sealed record SwdLevel(int Resolution, double Distance);

/// <summary>SWD of two image sets: per Laplacian-pyramid level, finest first, and their mean.</summary>
internal sealed record SwdResult(IReadOnlyList<SwdLevel> Levels, double Mean, int Images)
{
    public override string ToString() =>
        $"SWD (x1e3; {string.Join(", ", Levels.Select(l => $"{l.Resolution}px {l.Distance:F2}"))}) mean {Mean:F2}, N {Images}";
}

/// <summary>
/// Sliced Wasserstein distance between two image sets on Laplacian pyramids (Karras et al. 2018, "Progressive growing of
/// GANs", section 5): each image is split into a Laplacian pyramid down to 16x16; at each level 128 random 7x7
/// neighbourhoods per image are taken as descriptors, each set's descriptors normalised per channel by that set's own
/// mean and deviation, and the distance is the mean, over 4 x 128 random unit directions, of the 1-D Wasserstein
/// distance between the two sets' projections (sorted values, mean absolute difference). It needs no trained
/// network (unlike FID on ImageNet features), so it fails differently: it compares local texture and colour
/// statistics at each scale. Small is better. Unlike the paper's code, both sets take their neighbourhoods at the same
/// random positions (image i of each set, the same places): common random numbers, which lower the figure's noise
/// between runs and make identical sets score exactly 0; positions are drawn without looking at either set, so nothing
/// is biased.
/// </summary>
internal static class SlicedWasserstein
{
    public const int NeighbourhoodSize = 7, NeighbourhoodsPerImage = 128, DirectionRepeats = 4, DirectionsPerRepeat = 128;
    public const int SmallestResolution = 16;
    /// <summary>The most images per set (the paper's SWD-16k uses 16,384).</summary>
    public const int MaxImages = 16_384;

    /// <summary>
    /// SWD of two sets of the same size, each [N, C, H, W] with values 0..255 (8-bit pixels as floats), H = W a power of
    /// two of 16 or more. Random positions and directions come from <paramref name="seed"/>, so a figure is reproducible.
    /// </summary>
    public static SwdResult Compare(Tensor real, Tensor fake, long seed = 0)
    {
        if (real.dim() != 4 || !real.shape.SequenceEqual(fake.shape))
            throw new ArgumentException($"SWD compares two sets of the same shape [N, C, H, W] (got [{string.Join(", ", real.shape)}] " +
                $"and [{string.Join(", ", fake.shape)}])");
        int size = (int)real.shape[2];
        if (real.shape[3] != size || size < SmallestResolution || (size & (size - 1)) != 0)
            throw new ArgumentException($"SWD needs square images of a power-of-two size of at least {SmallestResolution} (got {real.shape[2]}x{real.shape[3]})");
        using var scope = NewDisposeScope();
        var realLevels = LaplacianPyramid(real.to(ScalarType.Float32), Levels(size));
        var fakeLevels = LaplacianPyramid(fake.to(ScalarType.Float32), Levels(size));
        using var random = new TorchGenerator((ulong)seed);
        var levels = new List<SwdLevel>();
        for (int level = 0; level < realLevels.Count; level++)
        {
            var positions = Positions(realLevels[level].shape, random);
            var a = Normalised(Descriptors(realLevels[level], positions));
            var b = Normalised(Descriptors(fakeLevels[level], positions));
            double total = 0;
            for (int repeat = 0; repeat < DirectionRepeats; repeat++)
                total += Distance(a, b, RandomDirections(a.shape[1], DirectionsPerRepeat, random));
            levels.Add(new SwdLevel(size >> level, total / DirectionRepeats * 1e3));
        }
        return new SwdResult(levels, levels.Average(l => l.Distance), (int)real.shape[0]);
    }

    /// <summary>How many pyramid levels an image of this size has: 64 -> 64, 32, 16.</summary>
    public static int Levels(int size)
    {
        int levels = 0;
        for (int s = size; s >= SmallestResolution; s /= 2) levels++;
        return levels;
    }

    /// <summary>
    /// The mean over the directions (columns of <paramref name="directions"/>, unit vectors) of the 1-D Wasserstein-1
    /// distance between the two sets' projections: both sorted, the mean absolute difference of the sorted values.
    /// </summary>
    public static double Distance(Tensor a, Tensor b, Tensor directions)
    {
        if (a.shape[0] != b.shape[0]) throw new ArgumentException("SWD compares sets of the same number of descriptors");
        using var scope = NewDisposeScope();
        var sortedA = SortedRows(directions.T.matmul(a.T));
        var sortedB = SortedRows(directions.T.matmul(b.T));
        return (sortedA - sortedB).abs().mean().item<float>();
    }

    /// <summary>
    /// Each row sorted. .NET's Array.Sort, one row per task: measured 2-3x faster here than libtorch 2.10's CPU sort,
    /// which dominates SWD's time (512 directions x 128 descriptors per image, per set and level).
    /// </summary>
    private static Tensor SortedRows(Tensor rows)
    {
        var values = rows.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        int length = (int)rows.shape[1];
        Parallel.For(0, (int)rows.shape[0], row => Array.Sort(values, row * length, length));
        return tensor(values, rows.shape);
    }

    /// <summary>
    /// The Laplacian pyramid as the paper's code builds it (cv2.pyrDown / pyrUp with a 5x5 binomial filter, mirrored
    /// edges): level i is the image at 1/2^i size minus the upsampled next level; the last level is the small image itself.
    /// </summary>
    public static List<Tensor> LaplacianPyramid(Tensor images, int levels)
    {
        var pyramid = new List<Tensor> { images };
        for (int i = 1; i < levels; i++)
        {
            var down = PyramidDown(pyramid[^1]);
            pyramid[^1] = pyramid[^1] - PyramidUp(down);
            pyramid.Add(down);
        }
        return pyramid;
    }

    /// <summary>Blur with the 5x5 binomial filter (mirrored edges), then keep every second row and column.</summary>
    public static Tensor PyramidDown(Tensor images) => Blur(images, 1.0)[.., .., TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)];

    /// <summary>Zeros between the pixels, then the binomial filter times 4 (which keeps the brightness).</summary>
    public static Tensor PyramidUp(Tensor images)
    {
        var s = images.shape;
        var spread = zeros(s[0], s[1], s[2] * 2, s[3] * 2, dtype: images.dtype, device: images.device);
        spread[.., .., TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)] = images;
        return Blur(spread, 4.0);
    }

    private static Tensor Blur(Tensor images, double gain)
    {
        using var scope = NewDisposeScope();
        long channels = images.shape[1];
        var taps = tensor(new float[] { 1, 4, 6, 4, 1 }, device: images.device);
        var kernel = taps.outer(taps).div(256.0 / gain).expand(channels, 1, 5, 5).contiguous();
        // scipy's 'mirror' (d c b | a b c d | c b a) is torch's 'reflect'.
        var padded = nn.functional.pad(images, [2, 2, 2, 2], PaddingModes.Reflect);
        return nn.functional.conv2d(padded, kernel, groups: channels).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// NeighbourhoodsPerImage random places in each image: the image's index and the 7x7 neighbourhood's top-left corner,
    /// so that it lies inside the image (the paper's randint(H, S - H) centres).
    /// </summary>
    private static (Tensor Image, Tensor Y, Tensor X) Positions(long[] shape, TorchGenerator random)
    {
        long n = shape[0], count = n * NeighbourhoodsPerImage;
        int span = NeighbourhoodSize - 1;
        return (arange(n, dtype: ScalarType.Int64).repeat_interleave(NeighbourhoodsPerImage),
            randint(0, shape[2] - span, [count], generator: random), randint(0, shape[3] - span, [count], generator: random));
    }

    /// <summary>The 7x7 neighbourhoods (all channels) at those places, as [N * 128, C, 7, 7].</summary>
    private static Tensor Descriptors(Tensor level, (Tensor Image, Tensor Y, Tensor X) at)
    {
        var windows = level.unfold(2, NeighbourhoodSize, 1).unfold(3, NeighbourhoodSize, 1); // [N, C, H-6, W-6, 7, 7]
        return windows.index([TensorIndex.Tensor(at.Image), TensorIndex.Colon, TensorIndex.Tensor(at.Y), TensorIndex.Tensor(at.X)]);
    }

    /// <summary>Each channel to zero mean and unit deviation over the set's descriptors, then one row per descriptor.</summary>
    private static Tensor Normalised(Tensor descriptors)
    {
        var mean = descriptors.mean([0, 2, 3], keepdim: true);
        var deviation = descriptors.std([0, 2, 3], unbiased: false, keepdim: true).clamp_min(1e-8);
        return descriptors.sub(mean).div(deviation).reshape(descriptors.shape[0], -1);
    }

    private static Tensor RandomDirections(long dimensions, int count, TorchGenerator random)
    {
        var directions = randn(dimensions, count, generator: random);
        return directions.div(directions.norm(0, keepdim: true));
    }
}
