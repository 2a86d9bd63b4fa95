package io.stellarelease.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The release configuration ({@code config/release.yaml}). Records mirror the file one to one;
 * defaults live in {@link ConfigLoader} so that a missing key and a key set to its default mean the same.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ReleaseConfig(
        String workspace,
        String output,
        int parallelism,
        Rules rules,
        Map<String, String> codenames,
        Map<String, Channel> channels,
        TestGate testGate,
        Modules modules,
        Containers containers,
        Cli cli,
        Helm helm,
        Gitea gitea,
        Publish publish,
        Checkout checkout,
        Rollback rollback,
        Airgap airgap,
        Signing signing,
        Hotfix hotfix,
        Database database,
        Announce announce) {

    public record Rules(List<String> suiteMonths, String changelog, String checklist,
                        List<String> checklistRequiredFor) { }

    public record Channel(boolean prerelease, List<String> months, Period standardSupport, Period securitySupport) {
        public Channel {
            months = months == null ? List.of() : List.copyOf(months);
        }
    }

    public record TestGate(Duration timeout, List<TestSuite> suites) { }

    public record TestSuite(String name, List<String> command, Duration timeout) { }

    public record Modules(List<String> command, Duration timeout, String packages, String publishDir,
                          List<Module> items) { }

    public record Module(String name, String path, boolean image, List<String> command, Duration timeout) {
        public String lowerName() {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    public record Containers(String repository, String baseImage, String appRoot, List<String> entrypoint,
                             List<String> tags) { }

    public record Cli(List<String> command, Duration timeout, List<String> runtimes, String archive,
                      List<String> zipRuntimes) { }

    public record Helm(String chart, @JsonProperty("package") String packageName, List<String> lint) { }

    public record Checkout(String mirror, List<String> command, String protocols, Duration timeout, String workspace) { }

    /** The Gitea instance: its URL, the repository releases go to, and where its access token comes from. */
    public record Gitea(String url, String owner, String repo, String title, boolean draft, SecretRef token) { }

    /**
     * Where a secret comes from: an environment variable or a file (its content, trailing newline removed).
     * Never the secret itself, so release.yaml can be committed.
     */
    public record SecretRef(String env, String file) {
        @Override
        public String toString() {
            return env != null ? "environment variable " + env : "file " + file;
        }
    }

    /** The publishing targets; a target that is null (or disabled) is skipped by its stage. */
    public record Publish(Release release, NuGet nuget, Registry registry, HelmTargets helm, Retry retry) { }

    /** The Gitea release and its assets; {@code onDifferentAsset}: replace | fail. */
    public record Release(Boolean enabled, String onDifferentAsset) {
        public boolean on() {
            return !Boolean.FALSE.equals(enabled);
        }
    }

    /** A NuGet feed: push URL ({gitea}, {owner} filled in) and its API key (null: the Gitea token). */
    public record NuGet(String pushUrl, SecretRef apiKey) { }

    /**
     * The OCI registry images are pushed to: base URL, repository path template ({owner}, {module}), credentials
     * (username null: anonymous; password null: the Gitea token), and whether plain http is allowed (loopback only).
     */
    public record Registry(String url, String repository, String username, SecretRef password, boolean plainHttp) { }

    /** Helm chart targets: Gitea's Helm endpoint, and/or a registry repository prefix for the chart as OCI artifact. */
    public record HelmTargets(Boolean gitea, String oci) {
        public boolean toGitea() {
            return !Boolean.FALSE.equals(gitea);
        }
    }

    /** Retries of transient failures (connection errors, 5xx, 429): attempts, exponential backoff, total time. */
    public record Retry(int attempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotal) { }

    /**
     * Rollback commands: argument lists, one per module for {@code containers} (e.g. kubectl set image), one for
     * {@code helm} (helm rollback). An argument may name a value as {@code ${NAME}} (MODULE, MODULE_LOWER, IMAGE,
     * VERSION, REVISION); each is replaced inside its own argument, never through a shell, and is also in the
     * command's environment.
     */
    public record Rollback(Duration timeout, List<String> containers, List<String> helm) { }

    /**
     * The air-gap bundle (airgap-bundle stage): whether it is built, its compression (none | gzip | zstd), an existing
     * registry to test it in ({@code testRegistry}, null: a scratch {@code docker-registry} the stage starts and stops),
     * and the command that starts that scratch registry, an argument list where {@code ${CONFIG}} is its config file.
     */
    public record Airgap(Boolean enabled, String compression, String testRegistry, List<String> dockerRegistryCommand) {
        public boolean on() {
            return Boolean.TRUE.equals(enabled);
        }
    }

    /**
     * The release's databases: backed up (pg_dump) by the backup-database stage before anything is published, and
     * restored by a database rollback ({@code mode: database}). Commands are argument lists; {@code ${NAME}} is
     * replaced inside its own argument (DATABASE, BACKUP_FILE, VERSION; stop/start: MODULE, MODULE_LOWER, VERSION) and
     * every command gets the connection as PGHOST, PGPORT, PGUSER (PGPASSWORD for backup and restore, from
     * {@code connection.password}, never written). {@code restore}, {@code stop} and {@code start} are lists of commands.
     */
    public record Database(DbConnection connection, List<String> databases, Duration timeout, List<String> backup,
                           List<List<String>> restore, List<List<String>> stop, List<List<String>> start,
                           List<IntegrityCheck> checks) {
        public Database {
            databases = databases == null ? List.of() : List.copyOf(databases);
            restore = restore == null ? List.of() : List.copyOf(restore);
            stop = stop == null ? List.of() : List.copyOf(stop);
            start = start == null ? List.of() : List.copyOf(start);
            checks = checks == null ? List.of() : List.copyOf(checks);
        }
    }

    /** Where the databases are: PostgreSQL host, port and user; the password from the environment or a file. */
    public record DbConnection(String host, Integer port, String user, SecretRef password) {
        public int portOrDefault() {
            return port == null ? 5432 : port;
        }
    }

    /**
     * Signing of SHA256SUMS: an OpenPGP secret key (armoured) and its passphrase, each {@code { env: NAME }} or
     * {@code { file: PATH }} (never the value); {@code publicKey}, an armoured public key file, lets {@code verify}
     * check the signature. {@code minisign} adds a minisign signature, with or without the OpenPGP one. No key at all:
     * the sign-checksums stage is skipped with that reason.
     */
    public record Signing(SecretRef key, SecretRef passphrase, String publicKey, Minisign minisign) {
        /** The OpenPGP key is configured. */
        public boolean openPgp() {
            return key != null;
        }

        /** A minisign key is configured. */
        public boolean hasMinisign() {
            return minisign != null && minisign.key() != null;
        }
    }

    /**
     * A minisign signature of SHA256SUMS ({@code .minisig}): the secret key file's text ({@code minisign -G}, or
     * {@code -G -W} unencrypted) and its password, each {@code { env: NAME }} or {@code { file: PATH }}; {@code publicKey},
     * a minisign public key file, lets {@code verify} check the signature.
     */
    public record Minisign(SecretRef key, SecretRef passphrase, String publicKey) { }

    /**
     * Hotfix branches: the branch name ({version} = YYYY.MM.N), the branch fixes are carried to, and whether
     * {@code hotfix finish} lists the commits to cherry-pick ({@code list}) or cherry-picks them ({@code apply}).
     */
    public record Hotfix(String branch, String mainBranch, String cherryPick) {
        public static final Hotfix DEFAULT = new Hotfix("hotfix/{version}", "main", "list");
    }

    /**
     * A data integrity check of a database rollback: {@code query} on {@code database} must give {@code expect}
     * (the rows, columns separated by {@code |}, rows by new lines, NULL as empty: what {@code psql -At} prints).
     */
    public record IntegrityCheck(String name, String database, String query, String expect) { }

    /**
     * Release announcements: {@code template} (a file, {@code ${name}} values, README "Announcements") sent to each
     * chat webhook and by e-mail once per release.
     */
    public record Announce(String template, String subject, Map<String, String> links, List<ChatHook> webhooks,
                           Email email, Duration timeout) {
        public Announce {
            links = links == null ? Map.of() : Map.copyOf(links);
            webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        }
    }

    /**
     * A chat webhook: its URL is a secret ({ env } or { file }). {@code format}: {@code text} (default;
     * {@code {"text": ...}}: Slack, Mattermost and Matrix hookshot webhooks) or {@code matrix} (a Matrix room message,
     * {@code {"msgtype": "m.notice", "body": ...}}, PUT to the URL with a transaction id, {@code token} as Bearer).
     */
    public record ChatHook(String name, SecretRef url, String format, SecretRef token) {
        public String formatOrDefault() {
            return format == null ? "text" : format;
        }
    }

    /** E-mail through camel-mail: SMTP server, sender and recipients; {@code security}: none | starttls | ssl. */
    public record Email(String host, Integer port, String security, String from, List<String> to, String username,
                        SecretRef password) {
        public String securityOrDefault() {
            return security == null ? "none" : security;
        }
    }

    /** The codename registered for a suite version ({@code 2026.04}), if any. */
    public Optional<String> codenameFor(String suiteVersion) {
        return Optional.ofNullable(codenames.get(suiteVersion));
    }

    public Optional<Module> module(String name) {
        return modules.items().stream().filter(m -> m.name().equalsIgnoreCase(name)).findFirst();
    }

    public int effectiveParallelism() {
        return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
    }
}
