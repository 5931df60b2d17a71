using Dcgan.Data;
using Dcgan.Training;

namespace Dcgan.Tests;

/// <summary>Folders with symbolic links: loops are named and left out, linked folders count once, nothing hangs.</summary>
public class FileWalkTests
{
    private static void Link(string link, string target) => File.CreateSymbolicLink(link, target);

    [Fact]
    public void Symbolic_link_loops_end_and_each_real_image_is_read_once()
    {
        // The probe's folder: d/img00.png, d/sub/up -> .., d/self -> ../d, and a file linked to itself.
        string root = TestData.TempDir("links");
        string d = Path.Combine(root, "d");
        TestData.ImageFolder(1, into: d);
        string image = Directory.GetFiles(d).Single();
        Directory.CreateDirectory(Path.Combine(d, "sub"));
        Directory.CreateSymbolicLink(Path.Combine(d, "sub", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(d, "self"), "../d");
        Link(Path.Combine(d, "loop.png"), "loop.png");
        // A folder of two more images outside, linked in once: its images count, once.
        string outside = Path.Combine(root, "outside");
        TestData.ImageFolder(2, into: outside);
        Directory.CreateSymbolicLink(Path.Combine(d, "more"), outside);
        // A second name for the first image.
        Link(Path.Combine(d, "again.png"), image);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var source = new FolderImageSource(d);
        var images = source.Read().ToList();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"listing took {clock.Elapsed}");
        Assert.Equal(3, images.Count);
        Assert.Contains(images, i => i.Name == Path.GetFileName(image));
        Assert.Equal(2, images.Count(i => i.Name.StartsWith("more" + Path.DirectorySeparatorChar)));
        Assert.Contains(source.Notes, n => n.Contains("a folder already read") && n.Contains(Path.Combine("sub", "up")));
        Assert.Contains(source.Notes, n => n.Contains("loop.png") && n.Contains("does not resolve"));
        Assert.Contains(source.Notes, n => n.Contains("again.png") && n.Contains("the same file as") && n.Contains("read once"));

        // The command reports the set as it is: 3 images, the loops named; its scratch cache is its own and removed.
        var before = Directory.GetDirectories(Path.GetTempPath(), "dcgan-inspect-*").ToHashSet();
        var (code, output, err) = CliTests.Run("dataset", "inspect", "--data", d, "--size", "16");
        Assert.True(code == 0, err);
        Assert.Contains(": 3 images", output);
        Assert.Contains("a folder already read", output);
        Assert.Subset(before, Directory.GetDirectories(Path.GetTempPath(), "dcgan-inspect-*").ToHashSet());
    }

    [Fact]
    public void Real_paths_resolve_links_in_any_component()
    {
        string root = TestData.TempDir("real");
        string target = Directory.CreateDirectory(Path.Combine(root, "target", "inner")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(root, "alias"), Path.Combine(root, "target"));
        Assert.Equal(target, FileWalk.Real(Path.Combine(root, "alias", "inner")));
        Link(Path.Combine(root, "a"), Path.Combine(root, "b"));
        Link(Path.Combine(root, "b"), Path.Combine(root, "a"));
        var notes = new List<string>();
        Assert.Null(FileWalk.Real(Path.Combine(root, "a"), notes));
        Assert.Contains("too many levels of symbolic links", notes.Single());
    }
}

/// <summary>A run resumed on a data set whose content changed: refused by default, warned with --accept-changed-data.</summary>
public class ChangedDataTests
{
    [Fact]
    public void Resuming_on_changed_data_is_refused_unless_accepted_and_a_cp_p_copy_counts_as_a_change()
    {
        string root = TestData.TempDir("changed-data");
        var options = TestData.TinyRun(root) with { MaxSteps = 2, OutDir = Path.Combine(root, "run") };
        string data = options.Data;
        var files = Directory.GetFiles(data).Order(StringComparer.Ordinal).ToArray();
        // Image 0 a flat colour, so that another flat colour encodes to a file of the same size.
        byte[] Flat(byte red) => TestData.EncodePng(40, 40, (_, _) => (red, 90, 160, 255));
        File.WriteAllBytes(files[0], Flat(20));
        new Trainer(options).Run(resume: false);

        // The same files again: resumes.
        new Trainer(options with { MaxSteps = 3 }).Run(resume: true);
        // The same files in another place (a new checkout, another disk) are the same data: resumes from there too.
        string moved = Path.Combine(root, "moved");
        Directory.CreateDirectory(moved);
        foreach (string file in files) File.Copy(file, Path.Combine(moved, Path.GetFileName(file)));
        Assert.Equal(3, new Trainer(options with { MaxSteps = 3, Data = moved }).Run(resume: true).StepsDone);

        // One image replaced by another of the same size with the old modification time, as `cp -p` leaves it.
        var when = File.GetLastWriteTimeUtc(files[0]);
        string replacement = Path.Combine(root, "replacement.png");
        File.WriteAllBytes(replacement, Flat(220));
        Assert.Equal(new FileInfo(files[0]).Length, new FileInfo(replacement).Length);
        File.Delete(files[0]);
        File.Copy(replacement, files[0]);
        File.SetLastWriteTimeUtc(files[0], when);
        var e = Assert.Throws<InputException>(() => new Trainer(options with { MaxSteps = 4 }).Run(resume: true));
        Assert.Contains("the data set has changed since this run started (10 images then, 10 now, the same count with other content)", e.Message);
        Assert.Contains("acceptChangedData", e.Message); // the library's name for the command's --accept-changed-data
        Assert.Equal((InputProblem.DataChanged, "resume"), (e.Problem, e.Setting));

        // Half the images deleted: refused with both counts; accepted, it goes on and says so.
        foreach (string file in files.Skip(5)) File.Delete(file);
        Assert.Contains("(10 images then, 5 now)",
            Assert.Throws<InputException>(() => new Trainer(options with { MaxSteps = 4 }).Run(resume: true)).Message);
        var messages = new List<string>();
        var trainer = new Trainer(options with { MaxSteps = 4 }) { AcceptChangedData = true };
        trainer.Message += messages.Add;
        Assert.Equal(4, trainer.Run(resume: true).StepsDone);
        Assert.Contains(messages, m => m.StartsWith("warning: the data set has changed since this run started"));

        Assert.Contains("--accept-changed-data goes with --resume",
            CliTests.Run("train", "--data", data, "--out", Path.Combine(root, "new"), "--accept-changed-data").Err);
    }
}

public class RandomStreamTests
{
    [Fact]
    public void Every_random_stream_has_its_own_id_and_the_ids_runs_depend_on_stay()
    {
        var values = Enum.GetValues<RandomStream>();
        Assert.Equal(values.Length, values.Select(v => (ulong)v).Distinct().Count());
        // Changing one of these would change every run's draws (resume and figures are reproduced from them).
        Assert.Equal(1UL, (ulong)RandomStream.WeightInit);
        Assert.Equal(2UL, (ulong)RandomStream.Shuffle);
        Assert.Equal(3UL, (ulong)RandomStream.TrainingStep);
        Assert.Equal(31UL, (ulong)RandomStream.EvaluationSubset);
        Assert.Equal(10676122639020851242UL, SeedMixer.Mix(5, RandomStream.TrainingStep, 7)); // SplitMix64 of (5, 3, 7): every run's draws
    }
}
