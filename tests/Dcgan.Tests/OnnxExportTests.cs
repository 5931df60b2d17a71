using Dcgan.Generation;
using Dcgan.Export;
using Dcgan.Interop;
using Dcgan.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>G written as ONNX and run in ONNX Runtime (the engine the web page runs as WebAssembly) against the program.</summary>
public class OnnxExportTests
{
    private static Models.Generator RandomGenerator(ModelOptions options, int seed)
    {
        manual_seed(seed);
        var g = new Models.Generator(options);
        WeightInit.Apply(g);
        // Running statistics away from 0 / 1, so an exporter that used the batch's statistics, or none, would be caught.
        using (no_grad())
            foreach (var (name, buffer) in g.named_buffers())
            {
                if (name.EndsWith("running_mean")) buffer.copy_(randn_like(buffer).mul(0.3));
                if (name.EndsWith("running_var")) buffer.copy_(rand_like(buffer).add(0.5));
            }
        return g;
    }

    // The enums are internal, so the data names them.
    public static TheoryData<int, int, int, int, string, string> Shapes => new()
    {
        { 100, 64, 3, 64, nameof(GeneratorActivation.Relu), nameof(LatentPrior.Normal) }, // the tutorial's G
        { 16, 8, 1, 32, nameof(GeneratorActivation.LeakyRelu), nameof(LatentPrior.Normal) }, // gray, 32 px, LeakyReLU
        { 3, 4, 3, 32, nameof(GeneratorActivation.Relu), nameof(LatentPrior.Uniform) }, // tiny nz, uniform prior
        { 20, 4, 3, 128, nameof(GeneratorActivation.Relu), nameof(LatentPrior.Normal) }, // more blocks
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Onnx_runtime_draws_the_programs_images_for_any_shape(int nz, int ngf, int nc, int size, string activation,
        string prior)
    {
        var options = new ModelOptions
        {
            Nz = nz, Ngf = ngf, Nc = nc, ImageSize = size, GeneratorActivation = Enum.Parse<GeneratorActivation>(activation),
            Prior = Enum.Parse<LatentPrior>(prior),
        };
        using var sampler = new ImageSampler(RandomGenerator(options, 3));
        var check = OnnxCheck.Compare(OnnxExport.Generator(sampler.Generator), sampler, [0, 1, 2, 7, 123456789]);
        Assert.True(check.MaxOutputDifference < 1e-4, $"largest output difference {check.MaxOutputDifference}");
        Assert.InRange(check.MaxLevelDifference, 0, 1);
        Assert.Equal(5, check.Images);
    }

    [Fact]
    public void The_file_has_a_free_batch_its_metadata_and_batch_independent_images()
    {
        var options = new ModelOptions { Nz = 16, Ngf = 8, Nc = 3, ImageSize = 32 };
        using var g = RandomGenerator(options, 5);
        byte[] onnx = OnnxExport.Generator(g);
        using var session = new InferenceSession(onnx);
        Assert.Equal([-1, 16, 1, 1], session.InputMetadata[OnnxExport.InputName].Dimensions);
        Assert.Equal([-1, 3, 32, 32], session.OutputMetadata[OnnxExport.OutputName].Dimensions);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("16", meta[OnnxExport.Metadata.Nz]);
        Assert.Equal("32", meta[OnnxExport.Metadata.ImageSize]);
        Assert.Equal("3", meta[OnnxExport.Metadata.Channels]);
        Assert.Equal("normal", meta[OnnxExport.Metadata.Prior]);
        Assert.Equal(ModelFingerprint.Of(g), meta[OnnxExport.Metadata.ModelHash]);
        Assert.Equal("DCGAN Studio", session.ModelMetadata.ProducerName);

        // One z alone and the same z among others give the same image (eval-mode BatchNorm).
        using var z = Latent.LatentSampler.ForSeeds([4, 9, 11], 16);
        using var all = OnnxCheck.Run(onnx, z);
        using var alone = OnnxCheck.Run(onnx, z[1..2]);
        Assert.Equal([3, 3, 32, 32], all.shape);
        Assert.True(all[1..2].allclose(alone, atol: 1e-6));
    }

    [Fact]
    public void Export_command_writes_a_checked_onnx_file_and_names_wrong_flags()
    {
        string root = TestData.TempDir("onnx-export");
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch", "netG.pth");
        var (code, output, err) = CliTests.Run("export", "--format", "onnx", "--checkpoint", fixture, "--out", root);
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(root, "netG.onnx")));
        Assert.Contains("checked in ONNX Runtime: seeds 0-63 give the same pixels", output);
        using (var model = LoadedModel.Open(fixture))
            Assert.InRange(OnnxCheck.Compare(File.ReadAllBytes(Path.Combine(root, "netG.onnx")), model.Sampler, [0, 5]).MaxLevelDifference, 0, 1);

        Assert.Contains("--format: 'tflite' is not a format; give pth or onnx", CliTests.Run("export", "--format", "tflite", "--out", root).Err);
        Assert.Contains("--format pth needs --checkpoint", CliTests.Run("export", "--out", root).Err);
        Assert.Contains("--vectors, --directions and --serve go with --web DIR", CliTests.Run("export", "--format", "onnx", "--out", root, "--vectors", "v.json").Err);
        Assert.Contains("leave out --out", CliTests.Run("export", "--web", Path.Combine(root, "page"), "--out", root).Err);
        Assert.Contains("--out is required", CliTests.Run("export", "--format", "onnx").Err);
        Assert.Contains("--urls: 'nowhere' is not an address", CliTests.Run("export", "--web", Path.Combine(root, "page"), "--serve", "--urls", "nowhere").Err);
        var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
            Assert.Contains($"--urls: cannot listen on http://127.0.0.1:{port}",
                CliTests.Run("export", "--web", Path.Combine(root, "page"), "--serve", "--urls", $"http://127.0.0.1:{port}").Err);
        }
        finally { busy.Stop(); }
        Assert.False(Directory.Exists(Path.Combine(root, "page")), "a refused export wrote nothing");

        // With no --vectors the page offers SeFa's directions, tied to the model.
        string page = Path.Combine(root, "page-sefa");
        var exported = CliTests.Run("export", "--web", page, "--checkpoint", fixture, "--directions", "3");
        Assert.True(exported.Code == 0, exported.Err);
        Assert.Contains("SeFa's discovered directions sefa-00..sefa-02", exported.Out);
        using (var description = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(page, "model.json"))))
            Assert.Equal(["sefa-00", "sefa-01", "sefa-02"],
                description.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
        Assert.Contains("--directions must be between 0 and 64", CliTests.Run("export", "--web", page, "--directions", "-1").Err);
        Assert.Contains("give one or the other", CliTests.Run("export", "--web", page, "--directions", "2", "--vectors", "v.json").Err);

        // A folder holding other files is refused and left as it was.
        string mine = Path.Combine(root, "mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "keep");
        var refused = CliTests.Run("export", "--web", mine, "--checkpoint", fixture);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("already holds files that are not an exported page", refused.Err);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName));

        // A vector for another nz is refused by name.
        string vector = Path.Combine(root, "wide.json");
        new Latent.AttributeVector { Name = "wide", Nz = 100, Vector = Enumerable.Repeat(0.1f, 100).ToArray() }.Save(vector);
        Assert.Contains("vector 'wide' was made for nz = 100, the model has nz = 8",
            CliTests.Run("export", "--web", Path.Combine(root, "page2"), "--checkpoint", fixture, "--vectors", vector).Err);
    }
}
