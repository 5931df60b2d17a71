using static TorchSharp.torch;

namespace Dcgan.Models;

/// <summary>Turns "cpu" / "cuda" / "cuda:1" into a device, failing clearly where CUDA is absent.</summary>
internal static class DeviceSelector
{
    public static Device Parse(string name)
    {
        string lower = name.Trim().ToLowerInvariant();
        if (lower == "cpu") return CPU;
        if (lower == "cuda" || lower.StartsWith("cuda:"))
        {
            if (!cuda.is_available())
                throw new InputException("device", InputProblem.Invalid, $"'{name}' asked for, but CUDA is not available in this " +
                    "build (TorchSharp with libtorch-cpu); use cpu");
            return new Device(lower);
        }
        throw new InputException("device", InputProblem.Invalid, $": unknown device '{name}': use cpu or cuda");
    }
}
