using System.CommandLine;
using System.Text.Json;
using Dcgan.Benchmarks;
using Dcgan.Models;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchOptions();
        var data = Make("--data", "Data set feeding the pipeline measurements.", defaults.Data);
        var steps = Make("--steps", "Timed training iterations per configuration.", defaults.Steps);
        var warmup = Make("--warmup", "Untimed iterations before timing.", defaults.Warmup);
        var precision = Make("--precision", "Precisions to measure, comma-separated: fp32, bf16 or both.", "fp32,bf16");
        var json = Optional<string>("--json", "Also write the results as JSON to this file.");
        var device = Make("--device", "cpu or cuda.", defaults.Device);
        var command = new Command("bench",
                "Measure the machine's ceilings (fused multiply-add peak, dense kernels), then training (batch 64 and 128, with and " +
                "without the data pipeline) and generation at fp32 and bf16, each as a share of its precision's ceiling.")
            .With(data, steps, warmup, precision, json, device);
        command.SetAction(r => CommandRunner.Guard("bench", () =>
        {
            if (r.GetValue(steps) < 1) throw CommandRunner.Usage("--steps must be at least 1");
            if (r.GetValue(warmup) < 0) throw CommandRunner.Usage("--warmup must be non-negative");
            var precisions = r.GetValue(precision)!.Split(',', StringSplitOptions.TrimEntries)
                .Select(p => p == "auto" ? throw CommandRunner.Usage("--precision: name fp32 and/or bf16 (auto chooses one; bench compares)")
                    : PrecisionChoice.Parse(p, "--precision")).Distinct().ToList();
            string? jsonPath = r.GetValue(json);
            if (jsonPath is not null && Directory.Exists(jsonPath))
                throw CommandRunner.Usage($"--json: '{jsonPath}' is a folder; name a file, e.g. bench.json");
            Console.WriteLine($"DCGAN Studio bench: {Benchmark.ProcessorModel()}, {Environment.ProcessorCount} cores, native bf16: " +
                $"{PrecisionChoice.NativeBf16Features}; TorchSharp threads {TorchSharp.torch.get_num_threads()}, {DateTime.UtcNow:u}");
            var report = Benchmark.Run(
                new BenchOptions(r.GetValue(data)!, r.GetValue(steps), r.GetValue(warmup), ".cache", r.GetValue(device)!, precisions),
                line => Console.Error.WriteLine($"  {line}"));
            var c = report.Ceilings;
            Console.WriteLine($"ceilings: fp32 {c.Fp32Gflops:F1} GFLOP/s ({c.Fp32Source})" +
                (precisions.Contains(Precision.Bf16) ? $", bf16 {c.Bf16Gflops:F1} GFLOP/s ({c.Bf16Source})" : ""));
            Console.WriteLine($"{"measurement",-38} {"prec",4} {"ms/iter",9} {"images/s",9} {"GFLOP/s",8} {"of ceiling",10}");
            foreach (var x in report.Results)
                Console.WriteLine($"{x.Name,-38} {PrecisionChoice.Name(x.Precision),4} " +
                    $"{(x.MillisecondsPerIteration > 0 ? x.MillisecondsPerIteration.ToString("F1") : "-"),9} " +
                    $"{(x.ImagesPerSecond > 0 ? x.ImagesPerSecond.ToString("F1") : "-"),9} {x.GflopPerSecond,8:F1} {x.ShareOfCeiling,10:P0}");
            foreach (var (name, speedup) in report.Speedups()) Console.WriteLine($"bf16 / fp32, {name}: {speedup:F2}x");
            if (jsonPath is not null)
                File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, DcganJson.Options));
            return 0;
        }));
        return command;
    }
}
