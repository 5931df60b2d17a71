using Dcgan.Imaging;
using static TorchSharp.torch;

namespace Dcgan.Generation;

/// <summary>
/// What one picture needs from G: the latents to draw (in managed memory, so a figure may travel between threads)
/// and how their images are laid out. The command draws it at once; the studio hands the latents to a batching
/// renderer first. Either way the same images go through the same layout, so both give the same bytes.
/// </summary>
internal sealed class Figure
{
    public float[] Latents { get; }
    public int Count { get; }
    private readonly Func<IReadOnlyList<PixelImage>, PixelImage> layout;

    public Figure(Tensor latents, Func<IReadOnlyList<PixelImage>, PixelImage> layout)
    {
        using var flat = latents.detach().cpu().to(ScalarType.Float32).reshape(latents.shape[0], -1).contiguous();
        Latents = flat.data<float>().ToArray();
        Count = (int)latents.shape[0];
        this.layout = layout;
    }

    /// <summary>One image per latent laid out in rows of <paramref name="columns"/> (one image: that image).</summary>
    public static Figure Grid(Tensor latents, int columns) =>
        new(latents, images => images.Count == 1 ? images[0] : ImageGrid.Make(images, columns));

    public PixelImage Compose(IReadOnlyList<PixelImage> images) =>
        images.Count == Count ? layout(images) : throw new ArgumentException($"the figure needs {Count} images, got {images.Count}");

    /// <summary>Draws the figure with G now, on this thread.</summary>
    public PixelImage Draw(ImageSampler sampler) => Compose(sampler.Render(Latents, Count));
}
