using System.Collections;
using TorchSharp;
using System.IO.Compression;
using System.Text;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dcgan.Interop;

/// <summary>
/// One tensor saved by itself with <c>torch.save(v, path)</c> (PyTorch's zip format), as the latent-editing recipe
/// saves v_A: read from any float dtype and shape whose other dimensions are 1 ([nz], [1, nz], [1, nz, 1, 1]), and
/// written as a float32 [nz] that <c>torch.load</c> returns as a tensor.
/// </summary>
internal static class TorchTensorFile
{
    public const long MaxBytes = 64L << 20;

    /// <summary>True when the bytes start like a zip archive, which is what torch.save has written since PyTorch 1.6.</summary>
    public static bool IsZip(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;

    /// <summary>The values of a torch.save'd vector; <paramref name="source"/> names the file in errors.</summary>
    public static float[] ReadVector(byte[] bytes, string source)
    {
        if (bytes.Length == 0) throw new InvalidDataException($"{source} is empty (0 bytes): save it again with torch.save(v, path)");
        if (!IsZip(bytes))
            throw new InvalidDataException($"{source} is not a torch.save file (PyTorch's zip format): " +
                "save the vector with torch.save(v, path), " +
                "or use the JSON that `dcgan attribute fit` writes");
        Tensor? tensor;
        try { tensor = ReadTopLevelTensor(bytes, source, out object? other); if (tensor is null) Refuse(other); }
        catch (Exception e) when (e is not InvalidDataException || e.Message.IndexOf(source, StringComparison.Ordinal) < 0)
        {
            throw new InvalidDataException($"{source}: the tensor cannot be read ({e.GetType().Name}: {FirstLine(e.Message)}); " +
                "save a plain float tensor, e.g. torch.save(v.detach().cpu().clone(), path)");
        }
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        void Refuse(object? other) =>
            throw new InvalidDataException($"{source} holds a {Describe(other)}, not a tensor: " +
                "save the vector itself, torch.save(v, path)");
        using (tensor)
        {
            if (!tensor.is_floating_point())
                throw new InvalidDataException($"{source} holds a {tensor.dtype} tensor; " +
                    "a latent direction is floating point (float32, float64 or float16)");
            long[] shape = tensor.shape;
            if (shape.Length == 0 || shape.Count(d => d != 1) > 1)
                throw new InvalidDataException($"{source} holds a tensor of shape [{string.Join(", ", shape)}]; " +
                    "a vector is [nz] or [1, nz, 1, 1]");
            using var scope = NewDisposeScope(); // the float32 copy and the flattened view
            return tensor.to(float32).reshape(-1).data<float>().ToArray();
        }
    }

    /// <summary>
    /// Writes values as a float32 tensor of shape [n] in the format torch.load reads (see the pickle in <see cref="TensorPickle"/>).
    /// </summary>
    public static void WriteVector(Stream stream, ReadOnlySpan<float> values)
    {
        if (values.Length == 0) throw new ArgumentException("a vector needs at least one value");
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        void Entry(string name, ReadOnlySpan<byte> content)
        {
            using var entry = archive.CreateEntry($"archive/{name}", CompressionLevel.NoCompression).Open();
            entry.Write(content);
        }
        Entry("data.pkl", TensorPickle(values.Length));
        Entry("byteorder", "little"u8);
        Entry("data/0", System.Runtime.InteropServices.MemoryMarshal.AsBytes(values)); // little-endian on every machine .NET runs on here
        Entry("version", "3\n"u8);
    }

    /// <summary>
    /// The pickle (protocol 2) torch.save writes for a contiguous float32 tensor of n elements: a call of
    /// torch._utils._rebuild_tensor_v2(storage, offset 0, size (n,), stride (1,), requires_grad False, OrderedDict())
    /// with the storage a persistent id ('storage', FloatStorage, key '0', 'cpu', n) naming the archive's data/0.
    /// </summary>
    private static byte[] TensorPickle(int n)
    {
        var p = new MemoryStream();
        void Op(byte code) => p.WriteByte(code);
        void Global(string module, string name) { Op((byte)'c'); p.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); }
        void Text(string s) { Op((byte)'X'); p.Write(BitConverter.GetBytes(s.Length)); p.Write(Encoding.UTF8.GetBytes(s)); }
        void Int(int value) { Op((byte)'J'); p.Write(BitConverter.GetBytes(value)); }
        Op(0x80); Op(2);                                        // PROTO 2
        Global("torch._utils", "_rebuild_tensor_v2");
        Op((byte)'(');                                          // MARK: the call's arguments
        Op((byte)'('); Text("storage"); Global("torch", "FloatStorage"); Text("0"); Text("cpu"); Int(n); Op((byte)'t');
        Op((byte)'Q');                                          // BINPERSID: the storage above
        Int(0);                                                 // storage offset
        Int(n); Op(0x85);                                       // size (n,)
        Int(1); Op(0x85);                                       // stride (1,)
        Op(0x89);                                               // requires_grad False
        Global("collections", "OrderedDict"); Op((byte)')'); Op((byte)'R'); // backward hooks: OrderedDict()
        Op((byte)'t'); Op((byte)'R'); Op((byte)'.');            // TUPLE, REDUCE, STOP
        return p.ToArray();
    }

    /// <summary>
    /// The tensor at the top of the pickle, built from its storage with its own offset, size and stride (a row of a
    /// matrix is a view into the matrix's storage). PyBridge parses the pickle in its deferred mode, which hands back
    /// the tensor's description and storage stream instead of building it (it assumes the storage holds exactly
    /// the tensor); null, with what it was instead, when the top of the pickle is no tensor.
    /// </summary>
    private static Tensor? ReadTopLevelTensor(byte[] bytes, string source, out object? other)
    {
        var table = PyTorchUnpickler.UnpickleStateDict(
            new MemoryStream(WrapInDictionary(bytes, source)), leaveOpen: true, skipTensorRead: true);
        object? top = other = table["v"];
        if (top?.GetType() is not { Name: "TensorConstructorArgs" } type) return null;
        T Get<T>(string name) =>
            (T)(type.GetProperty(name)?.GetValue(top) ?? throw new InvalidOperationException($"PyBridge gave no {name}"));
        var dtype = Get<ScalarType>("DType");
        using var storageStream = Get<Stream>("Data");
        var storageBytes = new MemoryStream();
        storageStream.CopyTo(storageBytes);
        using var element = empty(1, dtype);
        long count = storageBytes.Length / element.ElementSize;
        using var storage = empty(count, dtype);
        storageBytes.Position = 0;
        storage.ReadBytesFromStream(storageBytes);
        long[] shape = Get<long[]>("Shape"), stride = Get<long[]>("Stride");
        long offset = Get<int>("StorageOffset");
        long last = offset + shape.Zip(stride, (n, s) => (n - 1) * s).Sum();
        if (offset < 0 || last >= count)
            throw new InvalidDataException($"{source}: the tensor reaches past its storage ({count} elements)");
        using var view = storage.as_strided(shape, stride, offset);
        return view.clone();
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0];

    /// <summary>
    /// PyBridge reads state_dicts (a dictionary at the top of the pickle), so the tensor's pickle is wrapped in one:
    /// {'v': tensor}, by pushing an empty dictionary and a key after PROTO and storing the value before STOP. Memo
    /// indices are unchanged (nothing new is memoised), so the rest of the pickle reads as before.
    /// </summary>
    private static byte[] WrapInDictionary(byte[] file, string source)
    {
        ZipArchive input;
        try { input = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source} is a damaged zip ({e.Message}): an interrupted copy or save? Save it again");
        }
        using var _ = input;
        var pickle = input.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
            ?? throw new InvalidDataException($"{source} is a zip but not a torch.save file (it has no data.pkl)");
        if (input.Entries.Any(e => e.Length > MaxBytes))
            throw new InvalidDataException($"{source}: an entry claims more than {MaxBytes >> 20} MB; a vector is a few hundred bytes");
        byte[] original = ReadAll(pickle);
        if (original.Length < 3 || original[0] != 0x80 || original[1] > 3 || original[^1] != '.')
            throw new InvalidDataException($"{source}: its data.pkl is not a protocol 2 or 3 pickle as torch.save writes");
        var wrapped = new MemoryStream();
        wrapped.Write(original.AsSpan(0, 2));                              // PROTO
        wrapped.WriteByte((byte)'}');                                      // EMPTY_DICT
        wrapped.WriteByte((byte)'X'); wrapped.Write(BitConverter.GetBytes(1)); wrapped.WriteByte((byte)'v'); // the key 'v'
        wrapped.Write(original.AsSpan(2, original.Length - 3));            // the tensor, as saved
        wrapped.WriteByte((byte)'s');                                      // SETITEM
        wrapped.WriteByte((byte)'.');                                      // STOP

        var output = new MemoryStream();
        using (var copy = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var entry in input.Entries)
            {
                using var target = copy.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                if (entry == pickle) target.Write(wrapped.GetBuffer(), 0, (int)wrapped.Length);
                else using (var from = entry.Open()) from.CopyTo(target);
            }
        return output.ToArray();
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        Hashtable => "dictionary (a state_dict?)",
        object[] => "tuple",
        ArrayList => "list",
        _ => value.GetType().Name,
    };
}
