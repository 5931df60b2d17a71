using System.Collections.Concurrent;
using Dcgan.Training;

namespace Dcgan.Web;

/// <summary>
/// The live views of training runs. One feed per run, shared by every page that watches it: at most once a second it
/// reads what metrics.csv gained (never the whole file again) and lists the run's sample grids; each page then takes
/// the rows after its own last step. Live views are capped, so watchers can never take the server down: each costs
/// one sleeping connection and nothing more.
/// </summary>
internal sealed class RunFeeds
{
    public const int MaxViewers = 64;
    private readonly ConcurrentDictionary<string, Feed> feeds = new(StringComparer.Ordinal);
    private int viewers;

    /// <summary>A viewer's place, released by disposing it; null when <see cref="MaxViewers"/> pages already watch.</summary>
    public IDisposable? Join()
    {
        if (Interlocked.Increment(ref viewers) > MaxViewers)
        {
            Interlocked.Decrement(ref viewers);
            return null;
        }
        return new Seat(this);
    }

    public int Viewers => Volatile.Read(ref viewers);

    public Feed For(string runDir) => feeds.GetOrAdd(runDir, dir => new Feed(dir));

    private sealed class Seat(RunFeeds owner) : IDisposable
    {
        private int released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref owner.viewers);
        }
    }

    public sealed class Feed(string runDir)
    {
        private readonly object gate = new();
        private readonly MetricsTail tail = new(new RunLayout(runDir).Metrics);
        private IReadOnlyList<string> samples = [];
        private DateTime checkedAt = DateTime.MinValue;

        /// <summary>The rows after <paramref name="afterStep"/> and the sample files, from a look at most a second old.</summary>
        public (List<MetricsRow> Rows, IReadOnlyList<string> Samples) Since(long afterStep)
        {
            lock (gate)
            {
                if (DateTime.UtcNow - checkedAt >= TimeSpan.FromSeconds(1))
                {
                    tail.Update();
                    samples = SampleFiles(runDir);
                    checkedAt = DateTime.UtcNow;
                }
                // Rows are in step order: find the first new one by bisection, not by a scan per viewer.
                var rows = tail.Rows;
                int lo = 0, hi = rows.Count;
                while (lo < hi)
                {
                    int mid = (lo + hi) / 2;
                    if (rows[mid].Step <= afterStep) lo = mid + 1; else hi = mid;
                }
                return (rows.Skip(lo).ToList(), samples);
            }
        }
    }

    public static List<string> SampleFiles(string runDir)
    {
        string dir = new RunLayout(runDir).Samples;
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*.png").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList()
            : [];
    }
}
