using Dcgan.Latent;

namespace Dcgan.Web;

/// <summary>
/// The vectors of one model: the current vector of each name, and the versions made or uploaded before, so a URL that
/// names NAME@VERSION keeps meaning the same vector after the name is recomputed. Old versions are kept up to a bound
/// (a studio left running for weeks must not grow without end); the current vector of every name is always kept.
/// </summary>
internal sealed class VectorStore
{
    /// <summary>Versions kept besides the current ones: far more than a page's edits refer to, a few MB at most.</summary>
    public const int MaxOldVersions = 256;

    private readonly Lock gate = new();
    private readonly Dictionary<string, AttributeVector> current = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AttributeVector> versions = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new(); // version keys, oldest first

    public IReadOnlyList<AttributeVector> All
    {
        get { lock (gate) return current.Values.OrderBy(v => v.Name, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>Versions held now, current ones included (for the memory soak's check).</summary>
    public int VersionCount { get { lock (gate) return versions.Count; } }

    public void Put(AttributeVector vector)
    {
        string key = Key(vector);
        lock (gate)
        {
            if (versions.TryAdd(key, vector)) order.Enqueue(key);
            current[vector.Name] = vector;
            // The oldest versions go first; one that is some name's current vector stays (it is queued again).
            for (int checkedCount = 0; versions.Count > current.Count + MaxOldVersions && checkedCount < order.Count; checkedCount++)
            {
                string oldest = order.Dequeue();
                if (versions.TryGetValue(oldest, out var old) && current.TryGetValue(old.Name, out var now) && Key(now) == oldest)
                    order.Enqueue(oldest);
                else versions.Remove(oldest);
            }
        }
    }

    /// <summary>The vector a name holds now, or null.</summary>
    public AttributeVector? Current(string name)
    {
        lock (gate) return current.GetValueOrDefault(name);
    }

    public bool Remove(string name)
    {
        string checkedName = AttributeVector.CheckName(name);
        lock (gate) return current.Remove(checkedName);
    }

    /// <summary>"NAME@VERSION" (pinned: that exact vector) or "NAME" (whatever the name holds now).</summary>
    public AttributeVector Get(string reference, string parameter, out bool pinned)
    {
        int at = reference.IndexOf('@');
        pinned = at >= 0;
        string name = AttributeVector.CheckName(pinned ? reference[..at] : reference, parameter);
        lock (gate)
        {
            if (!pinned)
                return current.TryGetValue(name, out var latest) ? latest
                    : throw new InputException(parameter, InputProblem.NotFound, $": no vector named '{name}' for this model (GET its vectors to list them)");
            return versions.TryGetValue(reference, out var exact) ? exact
                : throw new InputException(parameter, InputProblem.NotFound, $": no vector '{reference}' for this model: it was made by a server " +
                    $"that has since restarted, or more than {MaxOldVersions} versions ago, or never existed; compute or upload it again");
        }
    }

    private static string Key(AttributeVector vector) => $"{vector.Name}@{vector.Version}";
}
