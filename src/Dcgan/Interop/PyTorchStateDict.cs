using System.Collections;
using Dcgan.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dcgan.Interop;

/// <summary>
/// PyTorch state_dicts (what <c>torch.save(net.state_dict(), path)</c> writes) in and out: a DCGAN generator from the
/// tutorial or pytorch/examples loads with its architecture read from the tensor shapes; DataParallel's
/// <c>module.</c> prefix is accepted; anything else fails with the key that does not fit.
/// </summary>
internal static class PyTorchStateDict
{
    public static bool IsPyTorchFile(string path) =>
        path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a state_dict as name -> tensor, without DataParallel's prefix.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (Directory.Exists(path))
            throw new InvalidDataException(
                $"'{path}' is a folder, not a PyTorch state_dict file (.pth) or a run directory with checkpoints");
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist");
        if (new FileInfo(path).Length == 0)
            throw new InvalidDataException($"{path} is empty (0 bytes): an interrupted copy or save; " +
                "save it again with torch.save(netG.state_dict(), path)");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a state_dict from a stream (a checkpoint's entry, say); <paramref name="source"/> names it in errors.</summary>
    public static Dictionary<string, Tensor> Read(Stream stream, string source)
    {
        string path = source;
        // What the file is, before the unpickler's own words: torch.save writes a zip (since PyTorch 1.6) or a bare pickle.
        if (stream.CanSeek)
        {
            var head = new byte[2];
            int read = stream.Read(head, 0, 2);
            stream.Seek(-read, SeekOrigin.Current);
            if (read < 2)
                throw new InvalidDataException($"{path} is empty (or cut short): save the weights again with torch.save(netG.state_dict(), path)");
            // A bare pickle is torch.save's format before PyTorch 1.6 (or _use_new_zipfile_serialization=False): its tensors
            // are stored in a layout this reader does not take.
            if (head[0] == 0x80 && head[1] <= 5)
                throw new InvalidDataException($"{path} was saved in PyTorch's legacy format (_use_new_zipfile_serialization=False " +
                    "or PyTorch before 1.6); load it in PyTorch and save it again with torch.save(netG.state_dict(), path)");
            if (!(head[0] == (byte)'P' && head[1] == (byte)'K'))
                throw new InvalidDataException($"{path} is not a PyTorch file: torch.save writes a zip archive, and this is not " +
                    "one; save the weights with torch.save(netG.state_dict(), path)");
        }
        Hashtable table;
        try { table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true); }
        catch (InvalidCastException)
        {
            throw new InvalidDataException($"{path} holds a single tensor (a vector, say), not a state_dict: a generator's file is " +
                "torch.save(netG.state_dict(), path)");
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path} is not a PyTorch state_dict ({e.GetType().Name}: {e.Message}). " +
                "A whole pickled model cannot be read: save the weights with torch.save(netG.state_dict(), path)");
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Value is not Tensor t)
                throw new InvalidDataException($"{path}: entry '{entry.Key}' is not a tensor; " +
                    "expected a state_dict saved with torch.save(net.state_dict(), path)");
            string key = (string)entry.Key;
            result[key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key] = t;
        }
        if (result.Count == 0) throw new InvalidDataException($"{path} holds an empty state_dict");
        return result;
    }

    /// <summary>
    /// The generator's architecture from its weights: nz and the first block's width from main.0.weight
    /// [nz, ngf * 2^k, 4, 4], ngf and nc from the last transposed convolution [ngf, nc, 4, 4], the image size from
    /// the number of transposed convolutions; resize + convolution layers from keys main.i.1.weight. The activation has no
    /// weights: ReLU (the tutorial's) is assumed.
    /// </summary>
    public static ModelOptions InferGeneratorOptions(IReadOnlyDictionary<string, Tensor> state, string path)
    {
        var convs = state
            .Where(kv => kv.Key.StartsWith("main.", StringComparison.Ordinal) && kv.Key.EndsWith(".weight", StringComparison.Ordinal) &&
                kv.Value.dim() == 4)
            .OrderBy(kv => int.TryParse(kv.Key.Split('.')[1], out int i) ? i : int.MaxValue).ToList();
        // Only D is ever spectrally normalised (torch.nn.utils.spectral_norm's weight_orig keys).
        if (state.Keys.Where(k => k.EndsWith(".weight_orig", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                .FirstOrDefault() is { } normalised)
            throw new InvalidDataException($"{path} holds a discriminator with spectral normalisation (netD: key '{normalised}'), " +
                "not a generator: give G's file (netG.pth)");
        if (convs.Count < 2 || convs[0].Key != "main.0.weight")
            throw new InvalidDataException($"{path} is not a DCGAN generator state_dict: " +
                $"expected convolution weights main.0.weight, main.3.weight, ... (found keys {string.Join(", ", state.Keys.Take(6))})");
        var first = convs[0].Value.shape;
        var last = convs[^1].Value.shape;
        // D's layers run the other way: its first takes the image's 1 or 3 channels, its last gives one score.
        if (last[0] == 1 && first[1] is 1 or 3 && first[0] > 1 && IsDiscriminatorShaped(convs.Select(kv => kv.Value.shape).ToList()))
            throw new InvalidDataException($"{path} holds a discriminator (netD: its first layer takes {first[1]} channels, its " +
                "last gives one score), not a generator: give G's file (netG.pth)");
        // A resize + convolution layer's weight is main.i.1.weight, [out, in, 3, 3]; a transposed convolution's main.i.weight,
        // [in, out, 4, 4]. Any other nesting is not a DCGAN generator this program builds.
        static bool IsResize(KeyValuePair<string, Tensor> kv) => kv.Key.Split('.').Length == 4;
        if (convs.FirstOrDefault(kv => kv.Key.Split('.').Length > 3 && !(IsResize(kv) && kv.Key.Split('.')[2] == "1" &&
                kv.Value.shape[2] == 3 && kv.Value.shape[3] == 3)) is { Key: not null } odd)
            throw new InvalidDataException($"{path}: key '{odd.Key}' (shape [{string.Join(", ", odd.Value.shape)}]) is neither a transposed " +
                "convolution's main.i.weight nor a resize + convolution's main.i.1.weight [out, in, 3, 3]");
        int resized = convs.Count(IsResize);
        bool lastResized = IsResize(convs[^1]);
        if (resized > 0 && !convs.TakeLast(resized).All(IsResize))
            throw new InvalidDataException($"{path}: resize + convolution layers (main.i.1.weight) must be the generator's last layers");
        var options = new ModelOptions
        {
            Nz = (int)first[0],
            Ngf = (int)(lastResized ? last[1] : last[0]),
            Nc = (int)(lastResized ? last[0] : last[1]),
            ImageSize = 4 << (convs.Count - 1),
            GeneratorResizeConvolutions = resized,
        };
        try { options.Validate(); }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: the weights describe an unsupported generator ({e.Message})");
        }
        return options;
    }

    // Each of D's convolutions takes the channels the one before it gives: [out, in, 4, 4] chained.
    private static bool IsDiscriminatorShaped(IReadOnlyList<long[]> shapes) =>
        shapes.Zip(shapes.Skip(1)).All(pair => pair.Second[1] == pair.First[0]);

    /// <summary>Loads a PyTorch generator state_dict, building the model its shapes describe.</summary>
    public static Models.Generator LoadGenerator(string path)
    {
        var state = Read(path);
        var generator = new Models.Generator(InferGeneratorOptions(state, path));
        LoadInto(generator, state, path);
        generator.eval();
        return generator;
    }

    /// <summary>Copies a state_dict into a module, naming the first key that is missing, extra or of the wrong shape.</summary>
    /// <remarks><paramref name="whyNotFitting"/> is added to the key and shape errors (not to damaged values).</remarks>
    public static void LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> state, string path, string? whyNotFitting = null)
    {
        string hint = whyNotFitting is null ? "" : $": {whyNotFitting}";
        var expected = module.state_dict();
        foreach (var (key, value) in expected)
        {
            if (!state.TryGetValue(key, out var given))
                throw new InvalidDataException($"{path}: missing key '{key}' (shape [{string.Join(", ", value.shape)}]){hint}");
            if (!given.shape.SequenceEqual(value.shape))
                throw new InvalidDataException($"{path}: key '{key}' has shape [{string.Join(", ", given.shape)}], " +
                    $"the model expects [{string.Join(", ", value.shape)}]{hint}");
        }
        if (state.Keys.FirstOrDefault(k => !expected.ContainsKey(k)) is { } extra)
            throw new InvalidDataException($"{path}: unexpected key '{extra}' (not part of this model){hint}");
        using (no_grad())
            foreach (var (key, value) in expected) value.copy_(state[key].to(value.dtype));
        Models.FiniteWeights.Require(module, path);
    }

    /// <summary>Writes a module's state_dict in PyTorch's format (loadable with load_state_dict(torch.load(path))).</summary>
    public static void Save(nn.Module module, string path) =>
        Imaging.AtomicFile.Write(path, stream =>
        {
            // PyBridge needs a seekable stream; the temporary file of the atomic write is one.
            module.save_py(stream, leaveOpen: true);
        });
}
