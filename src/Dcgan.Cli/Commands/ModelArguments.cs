using System.CommandLine;
using Dcgan.Generation;
using Dcgan.Latent;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

/// <summary>The --checkpoint / --device pair every generating command takes, and parsing of seed lists.</summary>
internal sealed class ModelArguments
{
    public Option<string?> Checkpoint { get; } = Optional<string>("--checkpoint",
        "A checkpoint (.ckpt), a run directory (its newest checkpoint), a PyTorch netG.pth, or a bundled model's name " +
        "(models/README.md); default: the bundled emoji model, emoji-dcgan.");
    public Option<string> Device { get; } = Make("--device", "cpu or cuda.", "cpu");

    public Option<string> Weights { get; } = Make("--weights",
        "Which generator of a checkpoint: auto (the moving average where the run kept one with --ema), raw (the trained G) or ema.",
        "auto");

    public Option<string> Precision { get; } = Make("--precision",
        "Convolutions' arithmetic: fp32 (PyTorch's pixels) or bf16 (faster where the processor computes bf16 natively; " +
        "the command, the studio and the library still give the same bytes as each other), or auto (bf16 where native).", "fp32");

    public Option[] All => [Checkpoint, Device, Weights, Precision];

    /// <summary>The model the flags name; <paramref name="fixedPrecision"/> for a command without --precision (export: fp32).</summary>
    public LoadedModel Open(ParseResult r, Models.Precision? fixedPrecision = null)
    {
        // The flags' own values first: a typo in --weights is named even when the checkpoint is wrong too.
        var weights = DcganJson.ParseEnum<GeneratorWeights>(r.GetValue(Weights)!, "--weights");
        var precision = fixedPrecision ?? Models.PrecisionChoice.Parse(r.GetValue(Precision)!, "--precision");
        return LoadedModel.Open(ModelLoader.ResolveOrBundled(r.GetValue(Checkpoint)), r.GetValue(Device)!, weights, precision,
            PassedOverNote);
    }

    /// <summary>A run directory's damaged newer checkpoint that was passed over: said, not skipped in silence.</summary>
    public static void PassedOverNote(string note) => Console.Error.WriteLine($"note: {note}");

    /// <summary>--mode: how G's BatchNorm layers normalise while sampling (eval is the served default).</summary>
    public static Option<string> ModeOption(string trainHelp) =>
        Make("--mode", $"eval (BatchNorm running statistics: each image depends only on its z) or train ({trainHelp}).", "eval");

    public static SamplingMode Mode(ParseResult r, Option<string> option) =>
        DcganJson.ParseEnum<SamplingMode>(r.GetValue(option)!, "--mode");

    /// <summary>
    /// Seeds as a person writes them ("3,7,12-20"), or a latents file (.npy or JSON, e.g. from `dcgan invert`): its rows.
    /// </summary>
    public static TorchSharp.torch.Tensor SeedsOrLatents(LoadedModel model, string text, string option, int max)
    {
        if (File.Exists(text))
        {
            var z = LatentFile.Read(text, model.Options.Nz);
            if (z.shape[0] > max) throw CommandRunner.Usage($"{option}: {text} holds {z.shape[0]} latents, at most {max}");
            return z;
        }
        try { return model.LatentsFor(Input.UserInput.SeedList(text, max, option)); }
        catch (InputException e) { throw new InputException(option, e.Problem, $"{e.Reason} (or give a latents file that exists)"); }
    }

    public static IReadOnlyList<long> Seeds(ParseResult r, Option<string?> option) =>
        r.GetValue(option) is { } text ? Input.UserInput.SeedList(text, setting: option.Name) : throw CommandRunner.Usage($"{option.Name} is required");
}
