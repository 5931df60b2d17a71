namespace Dcgan.Data;

/// <summary>Resolves the <c>--data</c> argument: a built-in name, a folder, a .zip or an IDX file.</summary>
internal static class DataSource
{
    public const string Emoji = "emoji";

    /// <summary>The built-in emoji set, shipped beside the program (copied from the repository's data/ folder).</summary>
    public static string EmojiZipPath => Path.Combine(AppContext.BaseDirectory, "data", "emoji.zip");

    public static IImageSource Resolve(string data)
    {
        if (string.IsNullOrWhiteSpace(data))
            throw new InputException("data", InputProblem.Invalid, "is empty: give a folder of images, a .zip, an IDX file, or 'emoji' for the built-in set");
        if (data.Equals(Emoji, StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(EmojiZipPath))
                throw new FileNotFoundException(
                    $"the built-in emoji set is missing at {EmojiZipPath}; rebuild with scripts/build-emoji-dataset.sh");
            return new ZipImageSource(EmojiZipPath);
        }
        if (Directory.Exists(data)) return new FolderImageSource(data);
        if (!File.Exists(data))
            throw new InputException("data", InputProblem.NotFound, $"'{data}' does not exist: give a folder of images, a .zip, an IDX file, or 'emoji'");
        if (data.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return new ZipImageSource(data);
        if (IdxFile.LooksLikeIdx(data)) return new IdxImageSource(data);
        throw new InputException("data", InputProblem.Invalid, $"'{data}' is a file that is neither a .zip of images " +
            "nor an IDX image file (name containing idx3-ubyte)");
    }
}
