using System.CommandLine;
using Dcgan.Imaging;
using Dcgan.Latent;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class InterpolateCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var from = Required<string>("--from", "Start: a seed, or a latents file (.npy / JSON; its first row).");
        var to = Required<string>("--to", "End: a seed or a latents file.");
        var through = Optional<string>("--through", "Seeds to pass through on the way, in order, e.g. 5,9.");
        var steps = Make("--steps", "Images per segment, both ends included.", 8);
        var mode = Make("--mode", "slerp (keeps |z| near the prior's shell) or lerp.", "slerp");
        var output = Optional<string>("--out", "The strip to write (.png).");
        var nrow = Optional<int?>("--nrow", "Images per strip row (default: all in one row).");
        var frames = Optional<string>("--frames", "Also write one PNG per frame into this folder (frame-0000.png, ...), for an animation.");
        var command = new Command("interpolate", "Walk between latents (slerp or lerp) and render the path as a strip or frames.")
            .With([.. model.All, from, to, through, steps, mode, output, nrow, frames]);
        command.SetAction(r => CommandRunner.Guard("interpolate", () =>
        {
            if (r.GetValue(output) is null && r.GetValue(frames) is null)
                throw CommandRunner.Usage("nothing to write: give --out FILE.png and/or --frames DIR");
            CheckOutputFile("--out", r.GetValue(output), PngFile);
            CheckOutputFolder("--frames", r.GetValue(frames));
            int k = r.GetValue(steps);
            if (k < Input.InputLimits.MinInterpolationSteps || k > Input.InputLimits.MaxInterpolationSteps)
                throw CommandRunner.Usage($"--steps must be between {Input.InputLimits.MinInterpolationSteps} and " +
                    $"{Input.InputLimits.MaxInterpolationSteps} (got {k})");
            var chosen = DcganJson.ParseEnum<InterpolationMode>(r.GetValue(mode)!, "--mode");
            using var loaded = model.Open(r);
            var waypoints = new List<TorchSharp.torch.Tensor> { loaded.LatentFrom(r.GetValue(from)!) };
            if (r.GetValue(through) is { } middle)
                waypoints.AddRange(Input.UserInput.SeedList(middle, Generation.Figures.MaxPathImages).Select(s => loaded.LatentFrom(s.ToString())));
            waypoints.Add(loaded.LatentFrom(r.GetValue(to)!));
            var figure = Generation.Figures.Interpolation(waypoints, k, chosen, r.GetValue(nrow));
            var images = loaded.Sampler.Render(figure.Latents, figure.Count);
            if (r.GetValue(output) is { } file) Png.Save(figure.Compose(images), file);
            if (r.GetValue(frames) is { } dir)
            {
                Directory.CreateDirectory(dir);
                for (int i = 0; i < images.Count; i++) Png.Save(images[i], Path.Combine(dir, $"frame-{i:D4}.png"));
            }
            Console.WriteLine($"{images.Count} images along a {DcganJson.Name(chosen)} path through {waypoints.Count} points" +
                (r.GetValue(output) is { } o ? $"; strip {o}" : "") + (r.GetValue(frames) is { } f ? $"; frames in {f}/" : ""));
            return 0;
        }));
        return command;
    }
}
