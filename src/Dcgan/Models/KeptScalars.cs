using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Models;

/// <summary>
/// Scalars that live as long as the process, for the per-step arithmetic of training. TorchSharp 0.107 turns every
/// number passed to an operation (and the implicit alpha = 1 of every add and sub) into a fresh native Scalar that
/// nothing keeps alive during the call; the finalizer may free it while libtorch reads it. Runs stopped on this after
/// hundreds of steps ("Expected false to be true" in leaky_relu_, "Unknown scalar type", "For integral input tensors,
/// argument alpha must not be a floating point number"). A kept Scalar is reachable from a static field, so it is never
/// finalized; the values used per run are few (sizes, constants), so the table stays small. Numbers that TorchSharp
/// itself passes (its Adam) are out of reach here: NoCollectionRegion covers those.
/// </summary>
internal static class KeptScalars
{
    private static readonly ConcurrentDictionary<long, Scalar> Integers = new();
    private static readonly ConcurrentDictionary<double, Scalar> Reals = new();

    /// <summary>1, the alpha of a plain add or sub.</summary>
    public static readonly Scalar One = Of(1L);

    public static Scalar Of(long value) => Integers.GetOrAdd(value, v => v.ToScalar());
    public static Scalar Of(double value) => Reals.GetOrAdd(value, v => v.ToScalar());

    /// <summary>a + b with a kept alpha.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + value with kept Scalars.</summary>
    public static Tensor Plus(this Tensor a, long value) => a.add(Of(value), One);
    public static Tensor Plus(this Tensor a, double value) => a.add(Of(value), One);

    /// <summary>a - b and a - value with kept Scalars (TorchSharp's sub takes no alpha).</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.sub(b);
    public static Tensor Minus(this Tensor a, long value) => a.sub(Of(value));
    public static Tensor Minus(this Tensor a, double value) => a.sub(Of(value));

    /// <summary>a * value with a kept Scalar.</summary>
    public static Tensor Times(this Tensor a, long value) => a.mul(Of(value));
    public static Tensor Times(this Tensor a, double value) => a.mul(Of(value));
}
