using static TorchSharp.torch;

namespace Dcgan.Latent;

/// <summary>Operations on latent vectors ([N, nz] or [N, nz, 1, 1]); results are [N, nz].</summary>
internal static class LatentMath
{
    public static Tensor Flat(Tensor z) => z.reshape(z.shape[0], -1);

    /// <summary>lerp(t; a, b) = (1 - t) a + t b.</summary>
    public static Tensor Lerp(Tensor a, Tensor b, double t) => Flat(a).mul(1 - t).add(Flat(b).mul(t));

    /// <summary>
    /// slerp(t; a, b) = sin((1-t)O)/sin O a + sin(tO)/sin O b, O the angle between a and b (White 2016). Unlike lerp
    /// it keeps the path near the prior's shell (|z| ~ sqrt(nz)); nearly parallel vectors fall back to lerp.
    /// </summary>
    public static Tensor Slerp(Tensor a, Tensor b, double t)
    {
        using var scope = NewDisposeScope();
        var fa = Flat(a); var fb = Flat(b);
        var cos = fa.mul(fb).sum(1, keepdim: true).div(fa.norm(1, keepdim: true).mul(fb.norm(1, keepdim: true))).clamp(-1, 1);
        var omega = cos.acos();
        var sinOmega = omega.sin();
        var nearlyParallel = sinOmega.abs().lt(1e-6);
        var wa = omega.mul(1 - t).sin().div(sinOmega);
        var wb = omega.mul(t).sin().div(sinOmega);
        var slerped = fa.mul(wa).add(fb.mul(wb));
        return where(nearlyParallel, Lerp(fa, fb, t), slerped).MoveToOuterDisposeScope();
    }

    /// <summary>Points along a path through several latents, <paramref name="steps"/> per segment, both ends included.</summary>
    public static Tensor Path(IReadOnlyList<Tensor> waypoints, int steps, bool spherical)
    {
        if (waypoints.Count < 2) throw new InputException("through", InputProblem.Invalid, ": an interpolation needs at least two end points");
        if (steps < 2) throw new InputException("steps", InputProblem.OutOfRange, $"must be at least 2 (got {steps})");
        using var scope = NewDisposeScope();
        var points = new List<Tensor>();
        for (int segment = 0; segment + 1 < waypoints.Count; segment++)
        {
            for (int i = segment == 0 ? 0 : 1; i < steps; i++)
            {
                double t = i / (double)(steps - 1);
                points.Add(spherical
                    ? Slerp(waypoints[segment], waypoints[segment + 1], t)
                    : Lerp(waypoints[segment], waypoints[segment + 1], t));
            }
        }
        return cat(points, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// InterFaceGAN's conditional manipulation: removes from v its components along the condition directions
    /// (orthonormalised first), so moving along the result leaves those attributes' scores unchanged.
    /// </summary>
    public static Tensor Condition(Tensor direction, IReadOnlyList<Tensor> conditions)
    {
        using var scope = NewDisposeScope();
        var v = direction.flatten().to(ScalarType.Float64);
        var basis = new List<Tensor>();
        foreach (var condition in conditions)
        {
            var c = condition.flatten().to(ScalarType.Float64);
            foreach (var b in basis) c = c.sub(b.mul(c.dot(b)));
            double norm = c.norm().item<double>();
            if (norm < 1e-9) continue; // already spanned by the others
            basis.Add(c.div(norm));
        }
        double before = v.norm().item<double>();
        foreach (var b in basis) v = v.sub(b.mul(v.dot(b)));
        // A vector conditioned on itself (or on directions that span it) is zero: every strength would draw the same image.
        if (before > 0 && v.norm().item<double>() < 1e-3 * before)
            throw new InputException("condition", InputProblem.Invalid, ": the conditions span the edited vector itself, so " +
                "nothing is left to move along; condition on other attributes than the one being edited");
        return v.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// z' = z + sum_i s_i v_i. <paramref name="unit"/> uses each v_i normalised (strength in z-space units);
    /// <paramref name="keepNorm"/> rescales z' to |z|, keeping it on the prior's shell.
    /// </summary>
    public static Tensor Edit(Tensor z, IReadOnlyList<(Tensor Direction, double Strength)> edits, bool unit = false, bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        var flat = Flat(z);
        var edited = flat.clone();
        foreach (var (direction, strength) in edits)
        {
            var v = direction.flatten();
            if (v.shape[0] != flat.shape[1])
                throw new InputException("vector", InputProblem.Invalid, $": a direction of {v.shape[0]} values does not fit nz = {flat.shape[1]}");
            if (unit) v = v.div(v.norm().clamp_min(1e-12));
            edited = edited.add(v.unsqueeze(0).mul(strength));
        }
        if (keepNorm) edited = edited.mul(flat.norm(1, keepdim: true).div(edited.norm(1, keepdim: true).clamp_min(1e-12)));
        return edited.MoveToOuterDisposeScope();
    }
}
