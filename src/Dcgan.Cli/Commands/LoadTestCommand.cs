using System.CommandLine;
using Dcgan.Web;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class LoadTestCommand
{
    public static Command Create()
    {
        var defaults = new LoadTestOptions();
        var url = Make("--url", "A running `dcgan serve` (loopback only).", defaults.Url);
        var requests = Make("--requests", "How many requests in all.", defaults.Requests);
        var concurrency = Make("--concurrency", "Requests in flight at once.", defaults.Concurrency);
        var timeLimit = Make("--time-limit", "Stop after this many seconds whatever is left.", defaults.TimeLimitSeconds);
        var mix = Make("--mix",
            "single (one image by random seed per request), mixed (80 % single images, 10 % 16-image grids, 10 % 4-image strips) " +
            "or soak (half that mix, half vectors: fits that recompute 8 names, uploads, edits pinned to their newest version, deletes).",
            "mixed");
        var model = Optional<string>("--model", "The model id to ask for (default: the server's first model).");
        var command = new Command("loadtest",
                "Send a bounded mix of image requests to a running studio; report requests/s, images/s, latency percentiles " +
                "and the server's memory.")
            .With(url, requests, concurrency, timeLimit, mix, model);
        command.SetAction(r => CommandRunner.Guard("loadtest", () =>
        {
            var report = LoadTest.RunAsync(new LoadTestOptions(r.GetValue(url)!, r.GetValue(requests), r.GetValue(concurrency),
                    r.GetValue(timeLimit), Mix: DcganJson.ParseEnum<LoadMix>(r.GetValue(mix)!, "--mix"), Model: r.GetValue(model)),
                line => Console.Error.WriteLine(line)).GetAwaiter().GetResult();
            Console.WriteLine(report);
            Console.WriteLine($"working set: {report.CurveText}");
            return report.Failures == 0 ? 0 : 1;
        }));
        return command;
    }
}
