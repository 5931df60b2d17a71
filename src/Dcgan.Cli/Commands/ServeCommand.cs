using System.CommandLine;
using Dcgan.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new StudioOptions();
        var checkpoint = Optional<string>("--checkpoint",
            "Model to serve (checkpoint, run directory, .pth or a bundled model's name); default: the bundled model, else the newest run.");
        var models = Optional<string>("--models", "A folder of further models (.ckpt, .pth) for the model picker.");
        var runs = Make("--runs", "The runs folder shown in the training view.", defaults.RunsDir);
        var urls = Make("--urls", "Where to listen (loopback unless you name another address).", defaults.Urls);
        var device = Make("--device", "cpu or cuda.", defaults.Device);
        var allowedHosts = Make("--allowed-hosts",
            "Host names the studio answers to besides this machine's own (localhost, 127.0.0.1, [::1]) and those in --urls, " +
            "comma-separated, or * for any. Others are refused, so other web sites cannot reach it through your browser.", "");
        var precision = Make("--precision",
            "The generators' arithmetic: fp32 (PyTorch's pixels) or bf16 (faster where the processor computes bf16 natively; the " +
            "same bytes as the commands at --precision bf16), or auto (bf16 where native).", "fp32");
        var maxBatch = Make("--max-batch",
            "Images drawn by one forward pass of G at most: requests arriving together are batched (1: one request at a time).",
            defaults.MaxBatch);
        var batchWait = Make("--batch-wait",
            "Milliseconds the batcher waits for more requests once one has arrived (0 to 100).", defaults.BatchWindow.TotalMilliseconds);
        var command = new Command("serve", "The web studio: generate, label, edit, interpolate and watch training in the browser.")
            .With(checkpoint, models, runs, urls, allowedHosts, device, precision, maxBatch, batchWait);
        command.SetAction(r => CommandRunner.Guard("serve", () =>
        {
            var options = new StudioOptions
            {
                Checkpoint = r.GetValue(checkpoint), ModelsDir = r.GetValue(models), RunsDir = r.GetValue(runs)!,
                Urls = r.GetValue(urls)!, Device = r.GetValue(device)!,
                Precision = Models.PrecisionChoice.Parse(r.GetValue(precision)!, "--precision"), MaxBatch = r.GetValue(maxBatch),
                BatchWindow = TimeSpan.FromMilliseconds(r.GetValue(batchWait)),
                AllowedHosts = r.GetValue(allowedHosts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            var app = StudioServer.Build(options);
            if (!LocalRequestGuard.ListensOnLoopbackOnly(options.Urls))
                Console.Error.WriteLine($"warning: {options.Urls} is reachable from other machines, and the studio has no accounts or " +
                    "passwords: anyone who reaches it can use it (draw, upload, invert). Listen on 127.0.0.1 unless that is what you want.");
            try { app.Start(); }
            catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException($"{e.Message.TrimEnd('.')}: another program (perhaps another studio) listens there; stop it, " +
                    "or give another port with --urls http://127.0.0.1:PORT", e);
            }
            var offered = ((ModelRegistry)app.Services.GetService(typeof(ModelRegistry))!).List();
            Console.WriteLine($"DCGAN Studio at {string.Join(", ", app.Urls)}: {offered.Count} model(s), " +
                $"first {offered[0].Label} (Ctrl+C to stop)");
            app.WaitForShutdown();
            return 0;
        }));
        return command;
    }
}
