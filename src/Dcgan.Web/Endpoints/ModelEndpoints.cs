using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dcgan.Web.Endpoints;

/// <summary>/api/models: the models on offer, by id. Nothing is selected on the server: each URL names its model.</summary>
internal static class ModelEndpoints
{
    public sealed record ModelList(IReadOnlyList<ModelEntry> Models, IReadOnlyList<LeftOutModel> LeftOut);

    public static void Map(RouteGroupBuilder models)
    {
        models.MapGet("/", List)
            .WithSummary("Every model on offer, the default first: id (the start of its weights' hash), label, source, path, " +
                "options, and for a run's checkpoint the run; and leftOut: the files that do not read back as a model, each with the reason.");
        models.MapGet("/{id}", One).WithSummary("One model by id.");
        models.MapGet("/{id}/web-page.zip", WebPage)
            .WithSummary("The model and its vectors as a static web page that draws and edits in the browser with no server " +
                "(the folder `dcgan export --web` writes), zipped; a model with no vectors gets SeFa's first directions.");
    }

    private static Ok<ModelList> List(ModelRegistry registry)
    {
        var (offered, leftOut) = registry.Listing();
        return TypedResults.Ok(new ModelList(offered, leftOut));
    }

    private static Ok<ModelEntry> One(string id, ModelRegistry registry) => TypedResults.Ok(registry.Get(id).Entry);

    private static FileContentHttpResult WebPage(string id, ModelRegistry registry)
    {
        var served = registry.Get(id);
        // The page runs fp32 ONNX: exported from fp32 weights whatever precision this studio draws at.
        using var model = Generation.LoadedModel.Open(served.Model.Path, precision: Models.Precision.Fp32);
        var archive = new MemoryStream();
        var vectors = Export.WebPageExport.VectorsOrDirections(model, served.Vectors.All);
        string name = Export.WebPageExport.ModelName(model.Path);
        Export.WebPageExport.WriteZip(model, name, vectors, archive);
        return TypedResults.File(archive.ToArray(), "application/zip", Export.WebPageExport.FolderName(name) + ".zip");
    }
}
