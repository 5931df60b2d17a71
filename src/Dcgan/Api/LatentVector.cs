using Dcgan.Latent;

namespace Dcgan;

/// <summary>
/// A direction in a generator's latent space: an attribute vector v_A = mean(z with A) - mean(z without A) fitted from
/// labelled seeds, a discovered direction, or a vector saved by PyTorch (<c>torch.save(v, "v.pt")</c>).
/// </summary>
public sealed class LatentVector
{
    internal AttributeVector Vector { get; }

    internal LatentVector(AttributeVector vector) => Vector = vector;

    /// <summary>The vector's name (letters, digits, '.', '_' and '-').</summary>
    public string Name => Vector.Name;

    /// <summary>The latent size it belongs to (the generator's nz).</summary>
    public int LatentSize => Vector.Nz;

    /// <summary>How it was made: mean-diff, balanced, svm, sefa, pca, or imported (a bare torch.save'd tensor).</summary>
    public string Method => DcganJson.Name(Vector.Method);

    /// <summary>The values (a copy), <see cref="LatentSize"/> of them.</summary>
    public float[] Values => (float[])Vector.Vector.Clone();

    /// <summary>
    /// How well the vector separates seeds it was not fitted on (cross-validated accuracy, 0..1); null where it was not
    /// fitted from labels (discovered or imported).
    /// </summary>
    public double? HeldOutAccuracy => Vector.Validation?.Accuracy;

    /// <summary>
    /// Reads a vector file: this library's JSON, or a tensor of shape [nz] (or [1, nz, 1, 1]) saved with torch.save.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a vector, or holds values that are not finite.</exception>
    public static LatentVector Load(string path) => new(AttributeVector.Load(path));

    /// <summary>
    /// A vector from values, e.g. computed by your own code; named <paramref name="name"/> and tied to no model.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    /// <exception cref="InvalidDataException">A value is not finite, or all are zero (such a vector moves no image).</exception>
    public static LatentVector FromValues(string name, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double norm = AttributeVector.CheckValues(values, $"vector '{name}'");
        return new(new AttributeVector
        {
            Name = AttributeVector.CheckName(name), Method = AttributeMethod.Imported, Nz = values.Length,
            Vector = (float[])values.Clone(), Norm = norm,
        });
    }

    /// <summary>
    /// Saves the vector: as JSON, or, for a path ending in .pt or .pth, as a float32 tensor that <c>torch.load</c> reads
    /// (with the JSON beside it as PATH.json, so the name and validation come back when it is loaded here).
    /// </summary>
    public void Save(string path) => Vector.Save(path);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Method}, nz {LatentSize})";
}
