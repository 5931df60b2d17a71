using System.Text.Json;
using Dcgan.Interop;
using Dcgan.Latent;

namespace Dcgan.Tests;

/// <summary>v_A moves between Python and here as the recipe saves it: torch.save(v_A, path), checked against PyTorch itself.</summary>
public class TorchVectorTests
{
    // The values both sides compute: i / 7 - 3 for i = 0..nz-1, rounded to float32 the same way on both sides.
    private const int Nz = 100;
    private static float[] Expected => Enumerable.Range(0, Nz).Select(i => (float)i / 7f - 3f).ToArray();

    [Fact]
    public void Vectors_saved_by_torch_load_with_their_values_whatever_the_shape_dtype_or_view()
    {
        string dir = TestData.TempDir("torch-vectors");
        TestData.PyTorch($$"""
            import torch
            v = torch.arange({{Nz}}, dtype=torch.float32) / 7 - 3
            torch.save(v, r'{{dir}}/flat.pt')
            torch.save(v.view(1, {{Nz}}, 1, 1), r'{{dir}}/v_A.pt')
            torch.save(v.double(), r'{{dir}}/double.pth')
            torch.save(v.view(1, {{Nz}}), r'{{dir}}/row.pt')
            torch.save(torch.arange({{Nz}}, dtype=torch.float16) / 4 - 8, r'{{dir}}/half.pt')
            torch.save(torch.nn.Parameter(v.clone()), r'{{dir}}/parameter.pt')
            torch.save(torch.stack([v - 1, v, v + 1])[1], r'{{dir}}/row-of-a-matrix.pt')
            """);
        foreach (string file in new[] { "flat.pt", "v_A.pt", "double.pth", "row-of-a-matrix.pt" })
        {
            var vector = AttributeVector.Load(Path.Combine(dir, file));
            Assert.Equal(Expected, vector.Vector);
            Assert.Equal(Nz, vector.Nz);
            Assert.Equal(AttributeMethod.Imported, vector.Method);
        }
        Assert.Equal("v_A", AttributeVector.Load(Path.Combine(dir, "v_A.pt")).Name);
        Assert.Equal(Expected, AttributeVector.Load(Path.Combine(dir, "row.pt")).Vector);
        // float16 holds i / 4 - 8 exactly for these i: the values come back unchanged as float32.
        Assert.Equal(Enumerable.Range(0, Nz).Select(i => i / 4f - 8f), AttributeVector.Load(Path.Combine(dir, "half.pt")).Vector);
        // A bare tensor names no model: only nz is checked, with a note instead of a refusal.
        var bare = AttributeVector.Load(Path.Combine(dir, "v_A.pt"));
        Assert.StartsWith("note:", bare.CheckFits(Nz, "0123456789abcdef", allowOtherModel: false));
        Assert.Throws<InputException>(() => bare.CheckFits(Nz + 1, "0123456789abcdef", allowOtherModel: true));

        // An nn.Parameter (a vector optimised in PyTorch) is refused by PyBridge as "a whole model"; the message says what to save.
        var parameter = Assert.Throws<InvalidDataException>(() => AttributeVector.Load(Path.Combine(dir, "parameter.pt")));
        Assert.Contains("parameter.pt", parameter.Message);
        Assert.Contains("detach()", parameter.Message);
    }

    [Fact]
    public void What_is_not_a_vector_is_refused_by_name()
    {
        string dir = TestData.TempDir("torch-not-vectors");
        TestData.PyTorch($$"""
            import torch
            torch.save(torch.nn.Linear(3, 2).state_dict(), r'{{dir}}/state_dict.pt')
            torch.save(torch.zeros(2, {{Nz}}), r'{{dir}}/matrix.pt')
            torch.save(torch.arange({{Nz}}), r'{{dir}}/integers.pt')
            v = torch.zeros({{Nz}}); v[3] = float('nan')
            torch.save(v, r'{{dir}}/nan.pt')
            torch.save(torch.zeros({{Nz}}), r'{{dir}}/zeros.pt')
            torch.save(torch.ones({{Nz}}), r'{{dir}}/legacy.pt', _use_new_zipfile_serialization=False)
            """);
        File.WriteAllBytes(Path.Combine(dir, "empty.pt"), []);
        File.WriteAllBytes(Path.Combine(dir, "truncated.pt"), File.ReadAllBytes(Path.Combine(dir, "matrix.pt"))[..200]);
        var expected = new Dictionary<string, string>
        {
            ["state_dict.pt"] = "dictionary",
            ["matrix.pt"] = "shape [2, 100]",
            ["integers.pt"] = "Int64",
            ["nan.pt"] = "not finite",
            ["zeros.pt"] = "all zeros",
            ["legacy.pt"] = "legacy format",
            ["empty.pt"] = "empty",
            ["truncated.pt"] = "truncated.pt",
        };
        foreach (var (file, words) in expected)
        {
            var error = Assert.Throws<InvalidDataException>(() => AttributeVector.Load(Path.Combine(dir, file)));
            Assert.Contains(file, error.Message);
            Assert.Contains(words, error.Message);
        }
    }

    [Fact]
    public void A_vector_saved_as_pt_is_a_tensor_for_torch_load_and_keeps_its_description_here()
    {
        string dir = TestData.TempDir("torch-vector-out");
        var fitted = new AttributeVector
        {
            Name = "smile", Method = AttributeMethod.MeanDiff, Nz = Nz, ModelHash = "abc123", SeedsWith = [1, 2], SeedsWithout = [3],
            Vector = Expected, Norm = 1.5,
        };
        string path = Path.Combine(dir, "smile.pt");
        fitted.Save(path);

        string printed = TestData.PyTorch($$"""
            import torch, json
            v = torch.load(r'{{path}}')
            print(json.dumps({'type': type(v).__name__, 'dtype': str(v.dtype), 'shape': list(v.shape), 'values': v.tolist()}))
            """);
        using var json = JsonDocument.Parse(printed);
        Assert.Equal("Tensor", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("torch.float32", json.RootElement.GetProperty("dtype").GetString());
        Assert.Equal([Nz], json.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(Expected, json.RootElement.GetProperty("values").EnumerateArray().Select(e => e.GetSingle()));

        // Loaded here, the JSON beside it brings the name, method, model and seeds back ...
        var loaded = AttributeVector.Load(path);
        Assert.Equal(("smile", AttributeMethod.MeanDiff, "abc123"), (loaded.Name, loaded.Method, loaded.ModelHash));
        Assert.Equal([1L, 2L], loaded.SeedsWith);
        // ... unless the tensor was changed in Python since: then the tensor is what counts.
        TestData.PyTorch($"import torch\ntorch.save(torch.load(r'{path}') * 2, r'{path}')\n");
        var changed = AttributeVector.Load(path);
        Assert.Equal(AttributeMethod.Imported, changed.Method);
        Assert.Equal(Expected.Select(v => v * 2), changed.Vector);
    }

    [Fact]
    public void The_written_bytes_read_back_without_python()
    {
        var stream = new MemoryStream();
        TorchTensorFile.WriteVector(stream, Expected);
        Assert.True(TorchTensorFile.IsZip(stream.ToArray()));
        Assert.Equal(Expected, TorchTensorFile.ReadVector(stream.ToArray(), "memory"));
    }
}
