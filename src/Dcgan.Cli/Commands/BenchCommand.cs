using System.CommandLine;
using System.Text.Json;
using Dcgan.Benchmarks;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

public static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchOptions();
        var data = Make("--data", "Data set feeding the pipeline measurements.", defaults.Data);
        var steps = Make("--steps", "Timed training iterations per configuration.", defaults.Steps);
        var warmup = Make("--warmup", "Untimed iterations before timing.", defaults.Warmup);
        var matmulSize = Make("--matmul-size", "Side of the square fp32 matrix product.", defaults.MatmulSize);
        var json = Optional<string>("--json", "Also write the results as JSON to this file.");
        var device = Make("--device", "cpu or cuda.", defaults.Device);
        var command = new Command("bench",
                "Time training iterations (batch 64 and 128, with and without the data pipeline), generation, and a matrix product.")
            .With(data, steps, warmup, matmulSize, json, device);
        command.SetAction(r => CommandRunner.Guard("bench", () =>
        {
            if (r.GetValue(steps) < 1) throw new ArgumentException("--steps must be at least 1");
            if (r.GetValue(warmup) < 0) throw new ArgumentException("--warmup must be non-negative");
            if (r.GetValue(matmulSize) is < 64 or > 16384) throw new ArgumentException("--matmul-size must be between 64 and 16384");
            Console.WriteLine($"DCGAN Studio bench: {Environment.ProcessorCount} cores, " +
                $"TorchSharp threads {TorchSharp.torch.get_num_threads()}, {DateTime.UtcNow:u}");
            var results = Benchmark.Run(
                new BenchOptions(r.GetValue(data)!, r.GetValue(steps), r.GetValue(warmup), r.GetValue(matmulSize), ".cache",
                    r.GetValue(device)!),
                line => Console.Error.WriteLine($"  {line}"));
            Console.WriteLine($"{"measurement",-38} {"ms/iter",9} {"images/s",9} {"GFLOP/s",8} {"of matmul",9}");
            foreach (var x in results)
                Console.WriteLine($"{x.Name,-38} {x.MillisecondsPerIteration,9:F1} {x.ImagesPerSecond,9:F1} " +
                    $"{x.GflopPerSecond,8:F1} {x.ShareOfMatmul,9:P0}");
            if (r.GetValue(json) is { } path)
                File.WriteAllText(path, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }
}
