using System.Text.Json;

namespace Dcgan.Training;

/// <summary>Where a run stands: a trainer is writing it now, it stopped before its last step, or it reached it.</summary>
internal enum RunState { Training, Stopped, Finished }

internal sealed record RunStatus(RunState State, long Step, long? TotalSteps)
{
    /// <summary>Reads the run's lock, its newest checkpoint and the total steps in config.json.</summary>
    public static RunStatus Of(string runDir)
    {
        long? total = null;
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(new RunLayout(runDir).Config));
            if (config.RootElement.TryGetProperty("totalSteps", out var t) && t.TryGetInt64(out long steps)) total = steps;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { }
        long step = Checkpoint.List(runDir).LastOrDefault() is { } newest &&
            long.TryParse(Path.GetFileNameWithoutExtension(newest).Replace("step-", ""), out long s) ? s : 0;
        var state = RunLock.IsHeld(runDir) ? RunState.Training : total is { } end && step >= end ? RunState.Finished : RunState.Stopped;
        return new RunStatus(state, step, total);
    }
}
