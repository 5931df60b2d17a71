namespace Dcgan.Training;

/// <summary>What the trainer reports after each step; the command draws a progress bar from it, the web page streams it.</summary>
internal sealed record TrainingProgress(
    long Step, long TotalSteps, long Epoch, long Epochs, MetricsRow Metrics, TimeSpan Elapsed, TimeSpan Remaining);
