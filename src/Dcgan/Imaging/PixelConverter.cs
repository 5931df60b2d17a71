using Dcgan.Models;
using static TorchSharp.torch;

namespace Dcgan.Imaging;

/// <summary>
/// The one conversion between the generator's [-1, 1] tensors and bytes, used by every path that writes images:
/// byte = round((x + 1) / 2 * 255), clamped to 0..255; and back, x = byte / 127.5 - 1 (the tutorial's Normalize(0.5, 0.5)).
/// </summary>
internal static class PixelConverter
{
    /// <summary>[N, C, H, W] (or [C, H, W]) in [-1, 1] -> one <see cref="PixelImage"/> per image.</summary>
    public static IReadOnlyList<PixelImage> ToImages(Tensor images)
    {
        using var scope = NewDisposeScope();
        var batch = images.dim() == 3 ? images.unsqueeze(0) : images;
        if (batch.dim() != 4 || (batch.shape[1] != 1 && batch.shape[1] != 3))
            throw new ArgumentException($"expected images [N, 1|3, H, W], got [{string.Join(", ", images.shape)}]");
        int n = (int)batch.shape[0], c = (int)batch.shape[1], h = (int)batch.shape[2], w = (int)batch.shape[3];
        var bytes = ToByteTensor(batch).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
        int size = h * w * c;
        return Enumerable.Range(0, n).Select(i => new PixelImage(w, h, c, bytes.AsSpan(i * size, size).ToArray())).ToList();
    }

    /// <summary>The conversion itself, on tensors: float [-1, 1] -> uint8, same shape, on the CPU.</summary>
    // Kept Scalars (Models/KeptScalars.cs): every image the studio serves passes here, on many threads at once.
    public static Tensor ToByteTensor(Tensor images) =>
        images.detach().cpu().to(ScalarType.Float32).Plus(1L).div(KeptScalars.Of(2L)).Times(255L).round()
            .clamp(KeptScalars.Of(0L), KeptScalars.Of(255L)).to(ScalarType.Byte);

    /// <summary>uint8 tensor (any shape) -> float in [-1, 1] on <paramref name="device"/>.</summary>
    public static Tensor FromByteTensor(Tensor bytes, Device? device = null) =>
        bytes.to(device ?? CPU).to(ScalarType.Float32).div_(KeptScalars.Of(127.5)).sub_(KeptScalars.Of(1L));
}
