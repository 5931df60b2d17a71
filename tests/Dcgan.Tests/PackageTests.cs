using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dcgan.Tests;

/// <summary>
/// The NuGet package as its users get it: packed from the built library, then examples/console and examples/web-page
/// built against it from a folder feed (not a project reference) and run. Their pictures are the library's, byte for byte.
/// </summary>
public class PackageTests
{
    [Fact]
    public void The_packed_library_builds_and_runs_both_examples_with_the_librarys_pixels()
    {
        string root = TestData.RepositoryRoot;
        string feed = Path.Combine(root, "artifacts", "packages");
        // A version of its own, so NuGet's cache of an earlier pack (same version, older bytes) is never what gets tested.
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        string cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "dcganstudio", version);
        var minutes = TimeSpan.FromMinutes(5);
        try
        {
            var pack = TestData.Run("dotnet", ["pack", "src/Dcgan/Dcgan.csproj", "-c", "Release", "--no-build", "-o", feed,
                $"-p:Version={version}", "-nologo"], minutes);
            Assert.True(pack.Code == 0, pack.Output + pack.Errors);
            string nupkg = Path.Combine(feed, $"DcganStudio.{version}.nupkg");
            using (var zip = System.IO.Compression.ZipFile.OpenRead(nupkg))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
                foreach (string expected in new[] { "lib/net10.0/DcganStudio.dll", "lib/net10.0/DcganStudio.xml", "README.md",
                             "buildTransitive/DcganStudio.targets", "buildTransitive/WeakenGlibcxxNeed.targets",
                             "assets/models/emoji-dcgan/netG.pth", "assets/models/fashion-mnist-dcgan/netG.pth", "assets/data/emoji.zip", "assets/assets/DejaVuSans.ttf" })
                    Assert.Contains(expected, entries);
                string nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).ReadToEnd();
                Assert.Contains("<dependency id=\"TorchSharp\" version=\"0.107.0\"", nuspec);
                Assert.Contains("<dependency id=\"libtorch-cpu-linux-x64\" version=\"2.10.0\"", nuspec);
                Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
                Assert.DoesNotContain("PublicApiAnalyzers", nuspec); // build-time only
                Assert.DoesNotContain(entries, e => e.EndsWith(".onnx")); // ResNet-18 is the evaluation's, not the package's
            }
            Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), "the symbols package is missing");

            using var netG = GanGenerator.Load();
            string outDir = TestData.TempDir("package-console");
            string console = Build("examples/console", version, "dcgan-console-example.dll");
            // No vector given: the example edits along SeFa's first direction.
            var run = TestData.Run("dotnet", [console, "emoji-dcgan"], minutes, workingDirectory: outDir);
            Assert.True(run.Code == 0, run.Output + run.Errors);
            Assert.Contains("nz 100, 64x64x3", run.Output);
            Assert.Equal(netG.Grid([.. Enumerable.Range(0, 64).Select(i => (long)i)]).ToPng(),
                File.ReadAllBytes(Path.Combine(outDir, "out", "grid.png")));
            var sefa = netG.DiscoverDirections(1)[0];
            Assert.Equal(netG.Edit(7, sefa, 2).ToPng(), File.ReadAllBytes(Path.Combine(outDir, "out", "seed7-sefa-00+2.png")));
            // A model that is not there: one line naming it, not a stack trace.
            var missing = TestData.Run("dotnet", [console, "no-such-model.pth"], minutes, workingDirectory: outDir);
            Assert.Equal(1, missing.Code);
            Assert.Contains("no-such-model.pth", missing.Errors);
            Assert.Single(missing.Errors.Trim().Split('\n'));

            // The web page, with v_A computed and saved by PyTorch (the example's make_vector.py).
            string vector = Path.Combine(outDir, "v_A.pt");
            var made = TestData.Run("/usr/bin/python3", ["examples/web-page/make_vector.py", "--out", vector], minutes);
            Assert.True(made.Code == 0, made.Errors);
            string web = Build("examples/web-page", version, "dcgan-web-page-example.dll");
            int port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(web)!,
            };
            foreach (string a in new[] { web, "--urls", $"http://127.0.0.1:{port}", "--vector", vector }) start.ArgumentList.Add(a);
            using var server = Process.Start(start)!;
            var serverErrors = server.StandardError.ReadToEndAsync();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                string page = WaitForPage(http, server, serverErrors);
                Assert.Contains("<img src=\"/edit/7.png?strength=2\"", page);
                Assert.Equal(netG.Draw(7).ToPng(), http.GetByteArrayAsync("/face/7.png").Result);
                var vA = LatentVector.Load(vector);
                Assert.Equal(netG.Edit(7, vA, 2.5).ToPng(), http.GetByteArrayAsync("/edit/7.png?strength=2.5").Result);
                var bad = http.GetAsync("/face/-3.png").Result;
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Contains("non-negative", bad.Content.ReadAsStringAsync().Result);
                var noStrength = http.GetAsync("/edit/7.png").Result;
                Assert.Equal(HttpStatusCode.BadRequest, noStrength.StatusCode);
                Assert.Contains("give the strength", noStrength.Content.ReadAsStringAsync().Result);
            }
            finally
            {
                server.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            foreach (string file in Directory.Exists(feed) ? Directory.GetFiles(feed, $"DcganStudio.{version}.*") : [])
                File.Delete(file);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            // Each example's build output is about 1.3 GB (libtorch); a CI clone would keep it on the disk.
            foreach (string example in new[] { "examples/console", "examples/web-page" })
                foreach (string output in new[] { "bin", "obj" })
                {
                    string dir = Path.Combine(TestData.RepositoryRoot, example, output);
                    if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                }
        }
    }

    /// <summary>Builds an example against the package version and returns its program's path.</summary>
    private static string Build(string project, string version, string program)
    {
        var build = TestData.Run("dotnet", ["build", project, "-c", "Release", $"-p:DcganStudioVersion={version}", "-nologo"],
            TimeSpan.FromMinutes(5));
        Assert.True(build.Code == 0, build.Output + build.Errors);
        string path = Path.Combine(TestData.RepositoryRoot, project, "bin", "Release", "net10.0", program);
        Assert.True(File.Exists(path), $"{path} was not built");
        // The package's files arrived beside the program: the bundled models, the emoji set, the plots' font.
        string dir = Path.GetDirectoryName(path)!;
        Assert.True(File.Exists(Path.Combine(dir, "models", "emoji-dcgan", "netG.pth")));
        Assert.True(File.Exists(Path.Combine(dir, "data", "emoji.zip")));
        Assert.True(File.Exists(Path.Combine(dir, "assets", "DejaVuSans.ttf")));
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string WaitForPage(HttpClient http, Process server, Task<string> errors)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (server.HasExited) Assert.Fail($"the web example exited ({server.ExitCode}): {errors.Result}");
            try { return http.GetStringAsync("/").Result; }
            catch (AggregateException e) when (e.InnerException is HttpRequestException) { Thread.Sleep(250); }
        }
        Assert.Fail("the web example did not answer within 90 s");
        return "";
    }
}
