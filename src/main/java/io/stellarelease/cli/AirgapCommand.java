package io.stellarelease.cli;

import io.stellarelease.airgapbundle.AirgapBundle;
import io.stellarelease.airgapbundle.AirgapException;
import io.stellarelease.airgapbundle.AirgapImporter;
import io.stellarelease.clients.RegistryCredentials;
import io.stellarelease.clients.RetryPolicy;
import io.stellarelease.clients.Secret;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code airgap import <bundle> --registry URL}: an air-gap bundle loaded into a registry at the air-gapped site. */
@Command(name = "airgap",
        mixinStandardHelpOptions = true,
        description = "Air-gap bundles (stellaops-airgap-<version>.tar), as the airgap-bundle stage writes them.",
        subcommands = {AirgapCommand.Import.class, CommandLine.HelpCommand.class})
public class AirgapCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    @Command(name = "import",
            mixinStandardHelpOptions = true,
            description = "Checks a bundle (every file against its index and the release's checksums, the images and the chart against the bundled manifest, by digest), then pushes every image with all its tags and the chart by digest to the registry, and reads every tag back. Talks to that registry only.",
            footer = {"", "Exit codes: 0 imported and read back; 1 the bundle was refused or the import failed; 2 bad usage."})
    public static class Import implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "<bundle>", description = "stellaops-airgap-<version>.tar (.tar.gz, .tar.zst).")
        Path bundle;

        @Option(names = "--registry", required = true, paramLabel = "URL",
                description = "The registry's base URL, e.g.%nhttps://registry.internal or http://127.0.0.1:5000")
        String registry;

        @Option(names = "--plain-http", description = "Allow an http:// registry URL (refused otherwise).")
        boolean plainHttp;

        @Option(names = "--username", paramLabel = "NAME", description = "Registry account (default: anonymous).")
        String username;

        @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password.")
        String passwordEnv;

        @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the password.")
        Path passwordFile;

        @Option(names = "--scratch", paramLabel = "DIR", description = "Where the bundle is unpacked while importing (default: the temporary directory).")
        Path scratch;

        @Override
        public Integer call() {
            URI uri;
            try {
                uri = URI.create(registry);
            } catch (IllegalArgumentException e) {
                System.err.println("airgap import: --registry is not a URL: " + registry);
                return 2;
            }
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
                System.err.println("airgap import: --registry must be a registry's base URL, http(s)://host[:port]: got " + registry);
                return 2;
            }
            if ("http".equals(uri.getScheme()) && !plainHttp) {
                System.err.println("airgap import: --registry " + registry + " is plain http: add --plain-http to allow it");
                return 2;
            }
            if ((username == null) != (passwordEnv == null && passwordFile == null) || passwordEnv != null && passwordFile != null) {
                System.err.println("airgap import: --username needs one password source, --password-env or --password-file (and they need it)");
                return 2;
            }
            RegistryCredentials credentials;
            try {
                credentials = username == null ? null : new RegistryCredentials(username,
                        passwordEnv != null ? Secret.fromEnv(passwordEnv) : Secret.fromFile(passwordFile));
            } catch (IllegalStateException e) {
                System.err.println("airgap import: " + e.getMessage());
                return 2;
            }
            try (AirgapBundle opened = AirgapBundle.open(bundle, scratch)) {
                System.out.println("ok   bundle " + opened.name() + ": every file matches its index and checksums; "
                        + opened.targets().size() + " image(s)/chart match the manifest");
                AirgapImporter.ImportResult result = new AirgapImporter(RetryPolicy.defaults())
                        .importInto(opened, registry, credentials);
                result.tags().forEach(t -> System.out.println("ok   " + t.reference() + " " + t.digest()));
                System.out.println("imported " + opened.name() + " into " + result.registry() + ": " + result.tags().size()
                        + " tag(s) read back at the bundle's digests (" + result.uploadedBlobs() + " blob(s) sent, "
                        + result.skippedBlobs() + " already there)");
                return 0;
            } catch (AirgapException e) {
                System.err.println("airgap import: refused: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                System.err.println("airgap import: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                System.err.println("airgap import: interrupted");
                return 1;
            }
        }
    }
}
