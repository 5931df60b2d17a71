using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dcgan.Web.Endpoints;

/// <summary>/api/models: the models on offer, by id. Nothing is selected on the server: each URL names its model.</summary>
public static class ModelEndpoints
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
    }
}
