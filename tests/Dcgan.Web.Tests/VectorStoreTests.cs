using Dcgan.Latent;

namespace Dcgan.Web.Tests;

/// <summary>The studio's vectors: pinned versions keep their meaning, and old versions are bounded (issue 26's memory soak).</summary>
public class VectorStoreTests
{
    private static AttributeVector Vector(string name, float value) =>
        new() { Name = name, Nz = 4, Vector = [value, 1, 2, 3], Norm = 1 };

    [Fact]
    public void Old_versions_are_dropped_past_the_bound_and_every_current_vector_stays()
    {
        var store = new VectorStore();
        var kept = Vector("kept", 7);
        store.Put(kept);
        var versions = Enumerable.Range(0, VectorStore.MaxOldVersions + 40).Select(i => Vector("recomputed", i)).ToList();
        foreach (var v in versions) store.Put(v);

        Assert.Equal(2 + VectorStore.MaxOldVersions, store.VersionCount);
        // The oldest recomputations are gone, with a reason; the newest and the untouched name's vector still answer pinned.
        var gone = Assert.Throws<InputException>(() => store.Get($"recomputed@{versions[0].Version}", "v", out _));
        Assert.Contains($"more than {VectorStore.MaxOldVersions} versions ago", gone.Message);
        Assert.Same(versions[^1], store.Get($"recomputed@{versions[^1].Version}", "v", out bool pinned));
        Assert.True(pinned);
        Assert.Same(versions[^VectorStore.MaxOldVersions], store.Get($"recomputed@{versions[^VectorStore.MaxOldVersions].Version}", "v", out _));
        Assert.Same(kept, store.Get($"kept@{kept.Version}", "v", out _));

        // A deleted name's versions age out like any other old version.
        Assert.True(store.Remove("kept"));
        foreach (var v in Enumerable.Range(1000, VectorStore.MaxOldVersions).Select(i => Vector("recomputed", i))) store.Put(v);
        Assert.Throws<InputException>(() => store.Get($"kept@{kept.Version}", "v", out _));
        Assert.Equal(1 + VectorStore.MaxOldVersions, store.VersionCount);
    }
}
