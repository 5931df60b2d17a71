using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dcgan.Web.Endpoints;

/// <summary>/api/models: the models on offer, by id. Nothing is selected on the server: each URL names its model.</summary>
internal static class ModelEndpoints
{
    public sealed record ModelList(IReadOnlyList<ModelEntry> Models, IReadOnlyList<LeftOutModel> LeftOut);

    public static void Map(RouteGroupBuilder models)
    {
        models.MapGet("/", (ModelRegistry registry) =>
            {
                var (offered, leftOut) = registry.Listing();
                return new ModelList(offered, leftOut);
            })
            .WithSummary("Every model on offer, the default first: id (the start of its weights' hash), label, source, path, " +
                "options; and leftOut: the files that do not read back as a model, each with the reason.");

        models.MapGet("/{id}", (string id, ModelRegistry registry) => registry.Get(id).Entry)
            .WithSummary("One model by id.");

        models.MapGet("/{id}/web-page.zip", (string id, ModelRegistry registry) =>
            {
                var served = registry.Get(id);
                // The page runs fp32 ONNX: exported from fp32 weights whatever precision this studio draws at.
                using var model = Generation.LoadedModel.Open(served.Model.Path, precision: Models.Precision.Fp32);
                var archive = new MemoryStream();
                var vectors = Export.WebPageExport.VectorsOrDirections(model, served.Vectors.All);
                string name = Export.WebPageExport.ModelName(model.Path);
                Export.WebPageExport.WriteZip(model, name, vectors, archive);
                return Results.File(archive.ToArray(), "application/zip", Export.WebPageExport.FolderName(name) + ".zip");
            })
            .WithSummary("The model and its vectors as a static web page that draws and edits in the browser with no server " +
                "(the folder `dcgan export --web` writes), zipped; a model with no vectors gets SeFa's first directions.");
    }
}
