// A web page with a generated face and its edit by an attribute vector saved with torch.save (make_vector.py).
//   python3 make_vector.py          # v_A = mean(z with A) - mean(z without A), computed in PyTorch -> v_A.pt
//   dotnet run -- --vector v_A.pt   # then open http://localhost:5000/?seed=7&strength=2
using Dcgan;

var builder = WebApplication.CreateBuilder(args);
var netG = GanGenerator.Load(builder.Configuration["model"] ?? GanGenerator.DefaultModel); // --model NAME|netG.pth
var vA = LatentVector.Load(builder.Configuration["vector"] ?? "v_A.pt"); // --vector FILE
builder.Services.AddSingleton(netG);
var app = builder.Build();

app.MapGet("/", (long seed = 7, double strength = 2) => Results.Content($"""
    <!doctype html><meta charset="utf-8"><title>DCGAN: seed {seed}</title>
    <h1>Seed {seed}, and moved along {vA.Name} by {strength}</h1>
    <img src="/face/{seed}.png" width="256" alt="seed {seed}">
    <img src="/edit/{seed}.png?strength={strength}" width="256" alt="seed {seed} edited">
    """, "text/html"));

// A negative seed, or a strength that is not finite, is the caller's mistake: 400 with the library's message.
app.MapGet("/face/{seed:long}.png", (long seed) => Png(() => netG.Draw(seed)));
app.MapGet("/edit/{seed:long}.png", (long seed, double? strength) => strength is { } s
    ? Png(() => netG.Edit(seed, vA, s))
    : Results.BadRequest("give the strength to move by: /edit/SEED.png?strength=2"));

app.Run();

static IResult Png(Func<GeneratedImage> draw)
{
    try { return Results.Bytes(draw().ToPng(), "image/png"); }
    catch (ArgumentException e) { return Results.BadRequest(e.Message); }
}
