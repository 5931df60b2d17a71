using Dcgan.Cli;
using SkiaSharp;
using Dcgan.Training;

namespace Dcgan.Tests;

public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try { return (DcganCli.Run(args), stdout.ToString(), stderr.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)] // GNU timeout signals the process and then its group: the second must not abort the checkpoint
    public void Sigterm_stops_a_training_run_after_the_step_with_a_checkpoint_to_resume_from(int sigterms)
    {
        string root = TestData.TempDir("sigterm");
        string run = Path.Combine(root, "run");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "dcgan.dll"), "train", "--data", TestData.ImageFolder(8),
                     "--out", run, "--image-size", "32", "--ngf", "4", "--ndf", "4", "--nz", "8", "--batch-size", "2", "--epochs", "100000",
                     "--checkpoint-every", "1000000", "--sample-every", "1000000", "--cache-dir", Path.Combine(root, "cache") })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // Wait for training to be under way (metrics rows appear), then send what `kill` sends.
        string metrics = Path.Combine(run, "metrics.csv");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(File.Exists(metrics) && File.ReadLines(metrics).Count() > 3) && clock.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(100);
        for (int i = 0; i < sigterms; i++)
            System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        Assert.True(process.WaitForExit(60_000), "the run did not stop on SIGTERM");
        // Stopped, not finished: 128 + SIGTERM, as a shell reports a process that a signal ended.
        Assert.True(process.ExitCode == 143, $"exit {process.ExitCode}: {errors.Result}");
        Assert.Contains("continue with: ./dcgan train --out", output.Result);
        // A log gets whole lines: the run's messages are not wrapped at 80 columns when the output is not a terminal.
        Assert.Contains(output.Result.Split('\n'), l => l.StartsWith("Reading ") && l.Length > 80 && l.Contains("(decoded once into"));
        var checkpoints = Directory.GetFiles(Path.Combine(run, "checkpoints"), "*.ckpt");
        Assert.Single(checkpoints);
        Assert.True(Training.Checkpoint.ReadState(checkpoints[0]).Step > 0);
    }

    [Fact]
    public void Train_then_sample_end_to_end_on_a_tiny_data_set()
    {
        string data = TestData.ImageFolder(6);
        string root = TestData.TempDir("cli");
        string run = Path.Combine(root, "run");
        var train = Run("train", "--data", data, "--out", run, "--max-steps", "3", "--batch-size", "3", "--image-size", "32",
            "--nz", "8", "--ngf", "4", "--ndf", "4", "--cache-dir", Path.Combine(root, "cache"));
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("Done: 3 steps", train.Out);

        string each = Path.Combine(root, "each"), grid = Path.Combine(root, "grid.png"), latents = Path.Combine(root, "z.npy");
        var sample = Run("sample", "--checkpoint", run, "--seed", "5", "--n", "4", "--nrow", "2", "--out", grid, "--each", each,
            "--save-latents", latents);
        Assert.True(sample.Code == 0, sample.Err);
        Assert.Equal(new[] { "5.png", "6.png", "7.png", "8.png" }, Directory.GetFiles(each).Select(Path.GetFileName).Order());
        using (var bitmap = SKBitmap.Decode(grid))
        {
            Assert.Equal(2 * 34 + 2, bitmap.Width);
            Assert.Equal(2 * 34 + 2, bitmap.Height);
        }

        // The image of seed 6 alone is byte-identical to the one written beside the others, and to one from explicit latents.
        string single = Path.Combine(root, "single");
        Assert.Equal(0, Run("sample", "--checkpoint", run, "--seed", "6", "--n", "1", "--each", single).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(each, "6.png")), File.ReadAllBytes(Path.Combine(single, "6.png")));
        string fromLatents = Path.Combine(root, "from-latents");
        Assert.Equal(0, Run("sample", "--checkpoint", run, "--latents", latents, "--each", fromLatents).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(each, "7.png")), File.ReadAllBytes(Path.Combine(fromLatents, "latent-0002.png")));
    }

    [Fact]
    public void Damaged_files_and_unwritable_paths_are_one_line_errors_that_name_the_file()
    {
        string dir = TestData.TempDir("messages");
        string empty = Path.Combine(dir, "empty.pth"), folder = Path.Combine(dir, "folder.pth"), zip = Path.Combine(dir, "bad.zip"),
            file = Path.Combine(dir, "a-file");
        File.WriteAllBytes(empty, []);
        Directory.CreateDirectory(folder);
        File.WriteAllText(zip, "PK this is not a zip");
        File.WriteAllText(file, "x");
        string vector = Path.Combine(dir, "smile.json");
        File.WriteAllText(vector, "{\"name\": \"smile\", \"vector\": [0.1, 0.2]}");
        string number = Path.Combine(dir, "number.json");
        File.WriteAllText(number, "5");
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["sample", "--checkpoint", empty, "--out", Path.Combine(dir, "x.png")], $"{empty} is empty (0 bytes)"),
            (["sample", "--checkpoint", folder, "--out", Path.Combine(dir, "x.png")], "is a folder, not a PyTorch state_dict file"),
            (["dataset", "inspect", "--data", zip], $"{zip} is not a readable zip archive"),
            (["sample", "--out", Path.Combine(file, "x.png")], $"cannot write {Path.Combine(file, "x.png")}"),
            (["loadtest", "--url", "http://127.0.0.1:9", "--requests", "1"], "could not reach the studio"),
            // Folders the command makes, given an existing file: named before any work, not .NET's "already exists".
            (["sample", "--n", "2", "--each", file], $"--each: '{file}' is a file; give a folder"),
            (["directions", "--k", "1", "--out", file], $"--out: '{file}' is a file; give a folder"),
            (["interpolate", "--from", "1", "--to", "2", "--frames", file], $"--frames: '{file}' is a file; give a folder"),
            (["export", "--web", file], $"--web: '{file}' is a file; give a folder"),
            (["sample", "--n", "2", "--each", file + "/"], $"--each: '{file}/' is a file; give a folder"),
            (["sample", "--n", "2", "--each", Path.Combine(file, "sub")], $"{file} is a file, not a folder"),
            (["sample", "--n", "2", "--save-latents", number], $"--save-latents: {number} exists and holds something other than latents"),
            // A latents file's name given to an attribute vector that exists: kept, not replaced by latents.
            (["sample", "--n", "2", "--save-latents", vector], $"--save-latents: {vector} exists and holds something other than latents"),
        })
        {
            var run = Run(args);
            Assert.NotEqual(0, run.Code);
            Assert.Contains(expected, run.Err);
            Assert.Single(run.Err.Trim().Split('\n'));
        }
        Assert.Contains("\"vector\"", File.ReadAllText(vector));
    }

    [Fact]
    public void Resume_accepts_the_runs_own_flags_repeated_and_names_a_changed_one()
    {
        string data = TestData.ImageFolder(6);
        string run = Path.Combine(TestData.TempDir("resume-flags"), "run");
        string[] flags = ["train", "--data", data, "--out", run, "--batch-size", "3", "--image-size", "32", "--nz", "8", "--ngf", "4",
            "--ndf", "4", "--lr", "0.0003"];
        var first = Run([.. flags, "--max-steps", "1"]);
        Assert.True(first.Code == 0, first.Err);
        // auto's choice, said in one line and kept by the run.
        string auto = Models.PrecisionChoice.Name(Models.PrecisionChoice.Auto), other = auto == "bf16" ? "fp32" : "bf16";
        Assert.Contains($"Precision: {auto}", first.Out);
        Assert.Contains("(auto: this processor", first.Out);
        // The same command with --resume added (and a new bound): accepted.
        var again = Run([.. flags, "--resume", "--max-steps", "2"]);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(2, Checkpoint.ReadState(Checkpoint.Resolve(run)).Step);
        // A changed setting: refused, by name, with both values.
        var changed = Run([.. flags.Select(f => f == "3" ? "4" : f), "--resume", "--max-steps", "3", "--loss", "hinge", "--precision", other]);
        Assert.NotEqual(0, changed.Code);
        Assert.Contains($"--precision is {auto} in the run, {other} here", changed.Err);
        Assert.Contains("--batch-size is 3 in the run, 4 here", changed.Err);
        Assert.Contains("--loss is bce in the run, hinge here", changed.Err);
        Assert.Contains("only --epochs, --max-steps and --lr-decay may change", changed.Err);
        Assert.Single(changed.Err.Trim().Split('\n'));

        // A decay added at step 2 (1-3 would not have changed steps 0 and 1), repeated on the next resume, then refused once
        // it has lowered the rates, in the command's own flag names.
        var decayed = Run([.. flags, "--resume", "--max-steps", "3", "--lr-decay", "1-3"]);
        Assert.True(decayed.Code == 0, decayed.Err);
        var repeated = Run([.. flags, "--resume", "--max-steps", "4", "--lr-decay", "1-3"]);
        Assert.True(repeated.Code == 0, repeated.Err);
        var moved = Run([.. flags, "--resume", "--max-steps", "5", "--lr-decay", "5-9"]);
        Assert.NotEqual(0, moved.Code);
        Assert.Contains("--lr-decay cannot change on resume: the run's decay (1-3) has already lowered the rates", moved.Err);
        Assert.Contains("keep --lr-decay as the run has it", moved.Err);
    }

    [Theory]
    [InlineData("5", "--lr-decay takes FROM-TO, the steps where the decay starts and where the learning rates reach 0")]
    [InlineData("+5-9", "--lr-decay takes FROM-TO")]
    [InlineData("400-300", "--lr-decay must run from a step to a later one, e.g. 9000-12000 (got 400-300)")]
    public void A_malformed_learning_rate_decay_is_refused_by_name(string value, string message)
    {
        string run = Path.Combine(TestData.TempDir("lr-decay-cli"), "run");
        var (code, _, err) = Run("train", "--data", TestData.ImageFolder(4), "--out", run, "--max-steps", "1", "--lr-decay", value);
        Assert.NotEqual(0, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")));
    }

    [Fact]
    public void An_empty_strength_list_is_refused_not_replaced_by_the_default()
    {
        var (code, _, err) = Run("attribute", "apply", "--vector", "v.json", "--strengths", "", "--out", "x.png");
        Assert.NotEqual(0, code);
        Assert.Contains("--strengths: is empty; give 1 to 32 numbers", err);
    }

    [Fact]
    public void Packing_a_folder_without_images_writes_nothing_and_says_so()
    {
        string root = TestData.TempDir("pack-empty");
        string empty = Path.Combine(root, "empty"), zip = Path.Combine(root, "set.zip");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not an image");
        var pack = Run("dataset", "pack", "--from", empty, "--out", zip);
        Assert.NotEqual(0, pack.Code);
        Assert.Contains("holds no readable images", pack.Err);
        Assert.False(File.Exists(zip));
        Assert.Empty(Directory.GetFiles(root, "*.tmp"));
    }

    [Theory]
    [InlineData("train --batch-size abc", "abc")]
    [InlineData("train --no-such-flag", "--no-such-flag")]
    [InlineData("train --loss bogus --max-steps 1", "--loss must be one of bce, bce-logits, lsgan, hinge, wgan-gp")]
    [InlineData("train --image-size 48 --max-steps 1", "--image-size must be one of 32, 64, 128")]
    [InlineData("train --data /no/such/folder", "does not exist")]
    [InlineData("sample --checkpoint /no/such.ckpt --out x.png", "does not exist")]
    [InlineData("sample --checkpoint x", "nothing to write")]
    [InlineData("sample --checkpoint x --out y.png --n 0", "--n must be between 1 and 1024")]
    [InlineData("sample --checkpoint x --out y.png --mode bogus", "--mode must be one of eval, train")]
    [InlineData("sample --checkpoint x --out y.png --weights bogus", "--weights must be one of auto, raw, ema")]
    [InlineData("eval --checkpoint x --mode batch", "--mode must be one of eval, train")]
    [InlineData("sample --seed 9223372036854775807 --n 2 --out x.png", "runs past the largest seed")]
    [InlineData("dataset inspect --data emoji --size 0", "--size must be between 8 and 1024")]
    [InlineData("train --precision fp16 --max-steps 1", "--precision: 'fp16' is not a precision; give fp32, bf16 or auto")]
    [InlineData("sample --precision half --out x.png", "--precision: 'half' is not a precision; give fp32, bf16 or auto")]
    [InlineData("bench --precision auto", "--precision: name fp32 and/or bf16")]
    [InlineData("attribute apply --bogus-flag 1", "(see 'dcgan attribute apply --help')")]
    [InlineData("sample --n 2 --out /no/such/folder/x.png", "--out: the folder /no/such/folder does not exist")]
    [InlineData("sample --n 2 --out x.jpg", "--out: 'x.jpg' must end in .png")]
    [InlineData("sample --n 2 --save-latents z.txt", "--save-latents: 'z.txt' must end in .npy or .json")]
    [InlineData("arithmetic --a 1 --b 2 --c 3 --seed -1 --out x.png", "--seed must be a non-negative integer (got -1)")]
    [InlineData("attribute apply --vector v.json --strengths 1,,2 --out x.png", "--strengths: '1,,2' has an empty entry")]
    [InlineData("invert --image x.png --out z.txt", "--out: 'z.txt' must end in .npy or .json")]
    // Absurd counts are refused before any work (issue 26 item 13: these took gigabytes and minutes).
    [InlineData("interpolate --from 1 --to 2 --through 0-5000 --out x.png", "takes the list past 1024")]
    [InlineData("interpolate --from 1 --to 2 --through 3-200 --steps 256 --out x.png", "is 50746 images; at most 1024")]
    [InlineData("eval --n 1000000000", "--n must be at most 100000")]
    [InlineData("eval --real-n 5", "--real-n must be between 10 and 1000000")]
    [InlineData("eval --json /no/such/folder/eval.json", "--json: '/no/such/folder/eval.json' is a folder or in a folder that does not exist")]
    [InlineData("directions --method pca --samples 1000000000 --out d", "at most 16384 (got 1000000000)")]
    [InlineData("recalibrate --samples 2000000000 --out x.pth", "--samples: at most 1000000 latents")]
    // A new user's probe (2026-12-08): mistyped commands named, values' kinds in words, only the valid choices listed,
    // and every output checked for what it will hold before any work.
    [InlineData("foo", "'foo' is not a command here; the commands are train, sample,")]
    [InlineData("attribute fitt", "dcgan attribute: 'fitt' is not a command here; the commands are fit, apply, classify")]
    [InlineData("attribute", "give a command: fit, apply, classify")]
    [InlineData("sample --n abc --out x.png", "--n: 'abc' is not a whole number up to 2147483647 (see")]
    [InlineData("train --lr abc", "--lr: 'abc' is not a number (e.g. 0.5 or 2e-4)")]
    [InlineData("train --lr -1", "--lr must be in (0, 1) (got -1)")]
    [InlineData("sample --seed 9223372036854775808 --out x.png", "--seed: '9223372036854775808' is not a whole number up to 9223372036854775807")]
    [InlineData("directions --method ica --out d", "--method must be one of sefa, pca (got 'ica')")]
    [InlineData("attribute fit --with 1,2 --without 3,4 --method imported --out a.json", "--method must be one of mean-diff, balanced, svm (got")]
    [InlineData("attribute fit --with 1,2 --without 3,4 --out a.txt", "--out: 'a.txt' must end in .json or .pt or .pth")]
    [InlineData("dataset pack --from . --out samples.png", "--out: 'samples.png' must end in .zip")]
    [InlineData("export --format onnx --out g.onnx", "--out: 'g.onnx' is a file name; give the folder to write into")]
    [InlineData("invert --image x.png --out z.npy --reconstruction r.jpg", "--reconstruction: 'r.jpg' must end in .png")]
    [InlineData("serve --models /no/such/models", "--models: the folder '/no/such/models' does not exist")]
    [InlineData("attribute apply --vector v.json --latents nope.npy --out x.png", "--latents: 'nope.npy' does not exist")]
    [InlineData("attribute apply --vector v.json --latents / --out x.png", "--latents: '/' is a folder")]
    [InlineData("sample --n 2 --each / --out /no/such/x.png", "--out: the folder /no/such does not exist")] // / itself is fine
    [InlineData("sample --n 2 --each /no/such/dir", "--each: the folder /no/such does not exist")]
    public void Bad_input_exits_non_zero_with_a_one_line_reason(string commandLine, string expected)
    {
        var (code, _, err) = Run(commandLine.Split(' '));
        Assert.NotEqual(0, code);
        Assert.Contains(expected, err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Help_describes_every_command()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        var commands = DcganCli.Build().Subcommands.ToList();
        Assert.True(commands.Count >= 14, $"{commands.Count} commands");
        // Every command and subcommand: listed, described, and its --help names and describes each of its options.
        var leaves = new List<(string[] Path, System.CommandLine.Command Command)>();
        void Collect(System.CommandLine.Command command, string[] path)
        {
            if (command.Subcommands.Count == 0) leaves.Add((path, command));
            foreach (var sub in command.Subcommands) Collect(sub, [.. path, sub.Name]);
        }
        foreach (var command in commands)
        {
            Assert.Contains(command.Name, output);
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"{command.Name} has no description");
            Collect(command, [command.Name]);
        }
        foreach (var (path, command) in leaves)
        {
            var help = Run([.. path, "--help"]);
            Assert.True(help.Code == 0, $"{string.Join(" ", path)} --help: {help.Err}");
            foreach (var option in command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "-h" or "-?")))
            {
                Assert.Contains(option.Name, help.Out);
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{string.Join(" ", path)} {option.Name} has no description");
            }
        }
        Assert.Contains(leaves, l => l.Path.SequenceEqual(["attribute", "fit"]));
        Assert.Contains("--checkpoint-every", Run("train", "--help").Out);
    }
}
