namespace StellaOps.Cli;

// Illustrative only: the stella-release example workspace never compiles C#.
// build/build-cli.sh writes a placeholder `stella` for each runtime instead.
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--version"])
        {
            var version = typeof(Program).Assembly.GetName().Version;
            Console.WriteLine($"stella {version} ({System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier})");
            return 0;
        }
        Console.Error.WriteLine("usage: stella --version");
        return 2;
    }
}
