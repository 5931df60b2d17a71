namespace Dcgan;

/// <summary>
/// The latent a generator draws an image closest to (GAN inversion), with how close it came: PSNR in dB and SSIM
/// (1 is identical) between the image and its reconstruction.
/// </summary>
/// <param name="Latent">z, nz values: pass it to <see cref="GanGenerator.Draw(float[])"/> or <see cref="GanGenerator.Edit(float[], LatentVector, double)"/>.</param>
/// <param name="Psnr">Peak signal-to-noise ratio of the reconstruction, in dB.</param>
/// <param name="Ssim">Structural similarity of the reconstruction, -1..1.</param>
public sealed record InvertedImage(float[] Latent, double Psnr, double Ssim);
