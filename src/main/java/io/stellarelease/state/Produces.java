package io.stellarelease.state;

/**
 * The kinds of results stages produce and need, as their routes declare them in their note
 * ({@code note: "needs: modules; produces: images"}). Java asks the run for a kind ({@link ReleaseRun#produced}),
 * never for a stage by name. README "Stages" lists which stage produces what.
 */
public final class Produces {
    /** A validated tag: version, channel, release directory. */
    public static final String RELEASE = "release";
    public static final String TEST_RESULTS = "test-results";
    /** Module builds, each with its NuGet package. */
    public static final String MODULES = "modules";
    public static final String IMAGES = "images";
    public static final String CLI = "cli";
    public static final String CHART = "chart";
    public static final String PUBLISHED_PACKAGES = "published-packages";
    public static final String PUSHED_IMAGES = "pushed-images";
    public static final String PUBLISHED_CHART = "published-chart";
    public static final String MANIFEST = "manifest";
    public static final String GITEA_RELEASE = "gitea-release";
    public static final String ROLLBACK_PLAN = "rollback-plan";
    /** CycloneDX SBOMs, one step per module and one "suite". */
    public static final String SBOMS = "sboms";
    /** The OpenPGP signature of the checksums. */
    public static final String SIGNATURE = "signature";
    public static final String DATABASE_BACKUP = "database-backup";
    public static final String AIRGAP_BUNDLE = "airgap-bundle";
    public static final String ANNOUNCEMENT = "announcement";
    public static final String HISTORY = "history";
    /** Files a stage registered as release artifacts (the release-artifact kamelet). */
    public static final String ARTIFACTS = "artifacts";

    private Produces() {
    }
}
