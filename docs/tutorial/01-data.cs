#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// Step 1 of the PyTorch DCGAN tutorial, "Data": the images, resized and centre-cropped to 64x64, as the trainer sees them.
// The tutorial reads CelebA with ImageFolder; here the built-in emoji set stands in (any folder, CelebA's zip or an IDX
// file works the same: pass it as the first argument).
//   dotnet run 01-data.cs [-- DATA]
using Dcgan;

string data = args.Length > 0 ? args[0] : "emoji";
using var images = TrainingImages.Open(data, imageSize: 64);
Console.WriteLine($"Read {images.Description}");
Console.WriteLine($"{images.Count} images of {images.Channels}x{images.ImageSize}x{images.ImageSize}" +
                  (images.Skipped.Count > 0 ? $" ({images.Skipped.Count} unreadable files left out)" : ""));

// The tutorial's "Training Images" figure: a grid of 64 of them.
images.Grid(count: 64, columns: 8).SavePng("training-images.png");
Console.WriteLine("Wrote training-images.png (the first 64 images)");
