using Dcgan.Latent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dcgan.Web.Endpoints;

/// <summary>The vectors of one model, /api/models/{id}/vectors: fitted from labels, uploaded, or discovered.</summary>
internal static class VectorEndpoints
{
    public const long MaxBodyBytes = Input.InputLimits.VectorFileBytes;
    public const int MaxLabels = Input.InputLimits.Labels;

    public sealed record VectorRequest(string? Name, string? Method, long[]? With, long[]? Without, long[]? BalanceWith);
    public sealed record VectorSummary(string Name, string Version, string Method, double Norm, VectorValidation? Validation,
        VectorQuality? Quality, int With, int Without, double? Sigma, DateTimeOffset Created);
    public sealed record DirectionsRequest(string? Method, int? K);
    public sealed record UploadAnswer(VectorSummary Vector, string? Warning);

    public static VectorSummary Summary(AttributeVector v) =>
        new(v.Name, v.Version, DcganJson.Name(v.Method), v.Norm, v.Validation, v.Quality, v.SeedsWith.Count, v.SeedsWithout.Count, v.Sigma, v.CreatedAt);

    public static void Map(RouteGroupBuilder vectors)
    {
        vectors.MapGet("/", List)
            .WithSummary("The model's vectors (made or uploaded since the server started), each with the version that edit URLs pin.");
        vectors.MapPost("/", Fit)
            .WithSummary("Fit a vector from labelled seeds: {name, method (mean-diff|balanced|svm), with, without, balanceWith}.");
        vectors.MapGet("/{name}", Download)
            .WithSummary("The vector file (NAME or NAME@VERSION), the same format as `dcgan attribute fit --out`.");
        vectors.MapDelete("/{name}", Forget)
            .WithSummary("Forget a name (URLs that pin one of its versions keep working until the server restarts).");
        vectors.MapPost("/upload", Upload)
            .WithSummary("Load a vector file: the command's JSON, or a tensor saved by torch.save(v, path) (named by ?name=; ?file= gives the file's " +
                "own name for messages). " +
                "A vector of another model needs ?force=1.");
        vectors.MapPost("/directions", Discover)
            .WithSummary("Discover directions (sefa or pca) and add them as vectors named sefa-00, ...; asked again, the same ones come back.");
    }

    private static Ok<List<VectorSummary>> List(string id, ModelRegistry models) =>
        TypedResults.Ok(models.Get(id).Vectors.All.Select(Summary).ToList());

    private static Created<VectorSummary> Fit(string id, VectorRequest body, ModelRegistry models)
    {
        var served = models.Get(id);
        string name = AttributeVector.CheckName(body.Name ?? "", "name");
        var method = Input.UserInput.SupervisedMethod(body.Method, "method");
        if ((body.With?.Length ?? 0) + (body.Without?.Length ?? 0) > MaxLabels)
            throw new InputException("with/without", InputProblem.TooLarge, $": at most {MaxLabels} labels");
        if ((body.With ?? []).Concat(body.Without ?? []).Any(s => s < 0))
            throw new InputException("with/without", InputProblem.Invalid, ": seeds are non-negative integers");
        var vector = Generation.ModelVectors.Fit(served.Model, name, method, body.With ?? [], body.Without ?? [],
            body.BalanceWith?.ToHashSet());
        served.Vectors.Put(vector);
        return TypedResults.Created($"/api/models/{id}/vectors/{name}", Summary(vector));
    }

    private static FileContentHttpResult Download(string id, string name, ModelRegistry models)
    {
        var vector = models.Get(id).Vectors.Get(name, "name", out _);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(DcganJson.Serialize(vector)), "application/json", $"{vector.Name}.json");
    }

    private static NoContent Forget(string id, string name, ModelRegistry models) =>
        models.Get(id).Vectors.Remove(name) ? TypedResults.NoContent() : throw new InputException("name", InputProblem.NotFound, $": no vector named '{name}'");

    private static async Task<Ok<UploadAnswer>> Upload(string id, HttpRequest request, ModelRegistry models, string? name, string? force,
        string? file)
    {
        var served = models.Get(id);
        // Messages name the file as the person chose it (?file=), which also tells a .pt from a .json.
        string source = file is { Length: > 0 and <= 255 } && file.All(c => !char.IsControl(c)) ? file : "the uploaded file";
        var vector = AttributeVector.Read(await ReadBody(request), source, name is { Length: > 0 } ? name : "uploaded");
        string? warning = vector.CheckFits(served.Model.Options.Nz, served.Model.Hash, allowOtherModel: QueryParser.Flag(force));
        served.Vectors.Put(vector);
        return TypedResults.Ok(new UploadAnswer(Summary(vector), warning));
    }

    private static Ok<List<VectorSummary>> Discover(string id, DirectionsRequest body, ModelRegistry models)
    {
        var served = models.Get(id);
        var method = Input.UserInput.DiscoveryMethod(body.Method, "method");
        int k = body.K ?? 5;
        // Discovery is deterministic for a model: the same request is answered from the vectors it made before (PCA
        // takes seconds), unless a name among them now holds something else. A k out of range goes on to be refused.
        var earlier = Enumerable.Range(0, k >= 1 && k <= served.Model.Options.Nz ? k : 0)
            .Select(i => served.Vectors.Current(Generation.ModelVectors.DirectionName(method, i))).ToList();
        if (earlier.Count > 0 && earlier.All(v => v is not null && v.Method == method && v.ModelHash == served.Model.Hash))
            return TypedResults.Ok(earlier.Select(v => Summary(v!)).ToList());
        var made = Generation.ModelVectors.Discover(served.Model, method, k);
        foreach (var v in made) served.Vectors.Put(v);
        return TypedResults.Ok(made.Select(Summary).ToList());
    }

    /// <summary>The request body, refused with 413 past <see cref="MaxBodyBytes"/> whatever server runs this.</summary>
    private static async Task<byte[]> ReadBody(HttpRequest request)
    {
        if (request.ContentLength is { } length && length > MaxBodyBytes)
            throw Input.InputLimits.TooLarge("vector file", length, MaxBodyBytes);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = await request.Body.ReadAsync(chunk)) > 0;)
        {
            if (buffer.Length + read > MaxBodyBytes)
                throw Input.InputLimits.TooLarge("vector file", buffer.Length + read, MaxBodyBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
