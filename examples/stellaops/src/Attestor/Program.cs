namespace StellaOps.Attestor;

// Illustrative only: the stella-release example workspace never compiles C#.
public static class Program
{
    public const string ServiceName = "attestor";

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok(new { service = ServiceName, status = "ok" }));
        app.Run();
    }
}
