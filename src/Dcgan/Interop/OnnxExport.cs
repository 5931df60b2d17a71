using Dcgan.Interop.Onnx;
using Dcgan.Models;
using Google.Protobuf;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Interop;

/// <summary>
/// Writes a generator as an ONNX model (opset 17): input <c>z</c> [N, nz, 1, 1], output <c>image</c> [N, nc, size, size]
/// in [-1, 1], with a free batch dimension N. G is written as it samples here, in eval mode: each BatchNormalization uses
/// the running statistics, so an image depends only on its own z, as in the studio and the command. The initializers
/// carry the state_dict's names (<c>main.0.weight</c>, ...), and the metadata says how to make z and pixels.
/// TorchSharp has no ONNX exporter; the graph is built from the layers themselves, so any size, channel count and
/// activation exports, and a layer this writer does not know is refused by name rather than skipped.
/// </summary>
internal static class OnnxExport
{
    public const int Opset = 17;
    public const string InputName = "z", OutputName = "image", BatchDimension = "N";
    private const long IrVersion = 8; // the IR of opset 17 (ONNX 1.12)

    /// <summary>The metadata keys a reader of an exported file can rely on.</summary>
    public static class Metadata
    {
        public const string Nz = "dcgan.nz", ImageSize = "dcgan.image_size", Channels = "dcgan.nc", Prior = "dcgan.prior",
            ModelHash = "dcgan.model_hash", Pixels = "dcgan.pixels", Latents = "dcgan.latents";
    }

    /// <summary>The ONNX file's bytes for this generator (its weights as they are now, eval-mode BatchNorm).</summary>
    public static byte[] Generator(Models.Generator generator)
    {
        var options = generator.Options;
        var graph = new GraphProto { Name = "dcgan_generator" };
        graph.Input.Add(TensorInfo(InputName, options.Nz, 1, 1));
        graph.Output.Add(TensorInfo(OutputName, options.Nc, options.ImageSize, options.ImageSize));

        using var noGrad = no_grad();
        string current = InputName;
        for (int i = 0; i < generator.Layers.Count; i++)
        {
            string prefix = $"main.{i}";
            string output = i == generator.Layers.Count - 1 ? OutputName : $"{prefix}.out";
            if (generator.Layers[i] is ResizeConvolution resize)
                graph.Node.AddRange(ResizeNodes(resize, prefix, current, output, graph.Initializer));
            else
                graph.Node.Add(Node(generator.Layers[i], prefix, current, output, graph.Initializer));
            current = output;
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "DCGAN Studio",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            DocString = "DCGAN generator: z [N, nz, 1, 1] (seed s: torch.manual_seed(s); torch.randn(1, nz, 1, 1)) -> " +
                "image [N, nc, size, size] in [-1, 1]",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in new (string, string)[]
        {
            (Metadata.Nz, options.Nz.ToString()),
            (Metadata.ImageSize, options.ImageSize.ToString()),
            (Metadata.Channels, options.Nc.ToString()),
            (Metadata.Prior, options.Prior == LatentPrior.Normal ? "normal" : "uniform"),
            (Metadata.ModelHash, ModelFingerprint.Of(generator)),
            (Metadata.Latents, options.Prior == LatentPrior.Normal
                ? "seed s: torch.manual_seed(s); torch.randn(1, nz, 1, 1)"
                : "seed s: torch.manual_seed(s); torch.rand(1, nz, 1, 1) * 2 - 1"),
            (Metadata.Pixels, "round((x + 1) / 2 * 255), clamped to 0..255; RGB (or gray when nc is 1)"),
        })
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    /// <summary>Writes the file atomically (a crash never leaves half a model under the name).</summary>
    public static void Save(Models.Generator generator, string path) =>
        Imaging.AtomicFile.WriteAllBytes(path, Generator(generator));

    private static NodeProto Node(nn.Module<Tensor, Tensor> layer, string prefix, string input, string output,
        ICollection<TensorProto> initializers)
    {
        var node = new NodeProto { Name = prefix };
        node.Input.Add(input);
        node.Output.Add(output);
        switch (layer)
        {
            case ConvTranspose2d c:
                if (c.groups != 1 || c.dilation.Any(d => d != 1))
                    throw new NotSupportedException($"{prefix}: grouped or dilated transposed convolutions are not exported");
                node.OpType = "ConvTranspose";
                node.Input.Add(Initializer(initializers, $"{prefix}.weight", c.weight!));
                if (c.bias is { } bias) node.Input.Add(Initializer(initializers, $"{prefix}.bias", bias));
                long[] padding = c.padding ?? [0, 0];
                node.Attribute.Add(Ints("kernel_shape", c.weight!.shape[2], c.weight.shape[3]));
                node.Attribute.Add(Ints("strides", c.stride));
                node.Attribute.Add(Ints("pads", padding[0], padding[1], padding[0], padding[1]));
                node.Attribute.Add(Ints("output_padding", c.output_padding));
                break;
            case BatchNorm2d b:
                node.OpType = "BatchNormalization";
                node.Input.Add(Initializer(initializers, $"{prefix}.weight", b.weight!));
                node.Input.Add(Initializer(initializers, $"{prefix}.bias", b.bias!));
                node.Input.Add(Initializer(initializers, $"{prefix}.running_mean", b.running_mean!));
                node.Input.Add(Initializer(initializers, $"{prefix}.running_var", b.running_var!));
                node.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = (float)b.eps });
                break;
            case ReLU:
                node.OpType = "Relu";
                break;
            case Models.LeakyReLU l:
                node.OpType = "LeakyRelu";
                node.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = (float)l.NegativeSlope });
                break;
            case Tanh:
                node.OpType = "Tanh";
                break;
            default:
                throw new NotSupportedException($"{prefix}: a {layer.GetType().Name} layer has no ONNX form in this exporter");
        }
        return node;
    }

    /// <summary>
    /// Resize + convolution as PyTorch exports nn.Upsample(scale_factor=2, mode='nearest'): output pixel (y, x) copies input
    /// pixel (floor(y / 2), floor(x / 2)), then a 3x3 convolution with padding 1.
    /// </summary>
    private static IEnumerable<NodeProto> ResizeNodes(ResizeConvolution layer, string prefix, string input, string output,
        ICollection<TensorProto> initializers)
    {
        string resized = $"{prefix}.0.out";
        var resize = new NodeProto { Name = $"{prefix}.0", OpType = "Resize" };
        resize.Input.Add(input);
        resize.Input.Add(""); // no region of interest
        using var scales = tensor(new float[] { 1, 1, 2, 2 });
        resize.Input.Add(Initializer(initializers, $"{prefix}.0.scales", scales));
        resize.Output.Add(resized);
        resize.Attribute.Add(Text("mode", "nearest"));
        resize.Attribute.Add(Text("coordinate_transformation_mode", "asymmetric"));
        resize.Attribute.Add(Text("nearest_mode", "floor"));
        yield return resize;

        var c = layer.Convolution;
        var convolution = new NodeProto { Name = $"{prefix}.1", OpType = "Conv" };
        convolution.Input.Add(resized);
        convolution.Input.Add(Initializer(initializers, $"{prefix}.1.weight", c.weight!));
        convolution.Output.Add(output);
        long[] padding = c.padding ?? [0, 0];
        convolution.Attribute.Add(Ints("kernel_shape", c.weight!.shape[2], c.weight.shape[3]));
        convolution.Attribute.Add(Ints("strides", c.stride));
        convolution.Attribute.Add(Ints("pads", padding[0], padding[1], padding[0], padding[1]));
        yield return convolution;
    }

    private static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static string Initializer(ICollection<TensorProto> initializers, string name, Tensor value)
    {
        using var data = value.detach().cpu().to(ScalarType.Float32).contiguous();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(data.shape);
        // raw_data is little-endian IEEE 754, which is how the CPU tensor already lies in memory on x64 and arm64.
        proto.RawData = ByteString.CopyFrom(data.bytes);
        initializers.Add(proto);
        return name;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static ValueInfoProto TensorInfo(string name, params long[] fixedDimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (long d in fixedDimensions) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
