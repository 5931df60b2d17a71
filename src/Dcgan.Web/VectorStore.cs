using System.Collections.Concurrent;
using Dcgan.Latent;

namespace Dcgan.Web;

/// <summary>
/// The vectors of one model: the current vector of each name, and every version made or uploaded since the server
/// started, so a URL that names NAME@VERSION keeps meaning the same vector after the name is recomputed.
/// </summary>
internal sealed class VectorStore
{
    private readonly ConcurrentDictionary<string, AttributeVector> current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AttributeVector> versions = new(StringComparer.Ordinal);

    public IReadOnlyList<AttributeVector> All => current.Values.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();

    public void Put(AttributeVector vector)
    {
        versions[$"{vector.Name}@{vector.Version}"] = vector;
        current[vector.Name] = vector;
    }

    /// <summary>The vector a name holds now, or null.</summary>
    public AttributeVector? Current(string name) => current.GetValueOrDefault(name);

    public bool Remove(string name) => current.TryRemove(AttributeVector.CheckName(name), out _);

    /// <summary>"NAME@VERSION" (pinned: that exact vector) or "NAME" (whatever the name holds now).</summary>
    public AttributeVector Get(string reference, string parameter, out bool pinned)
    {
        int at = reference.IndexOf('@');
        pinned = at >= 0;
        string name = AttributeVector.CheckName(pinned ? reference[..at] : reference, parameter);
        if (!pinned)
            return current.TryGetValue(name, out var latest) ? latest
                : throw new KeyNotFoundException($"{parameter}: no vector named '{name}' for this model (GET its vectors to list them)");
        return versions.TryGetValue(reference, out var exact) ? exact
            : throw new KeyNotFoundException($"{parameter}: no vector '{reference}' for this model: " +
                "it was made by a server that has since restarted, or never existed; compute or upload it again");
    }
}
