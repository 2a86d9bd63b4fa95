package io.stellarelease.stages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ChangelogRule;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The create-release stage, planning only: {@code release-plan.json} lists every HTTP request the release
 * would send to Gitea and the registry (method, URL, body or artifact), in order. Secrets appear only by name.
 */
public class ReleasePlan {
    public static final String FILE = "release-plan.json";

    private final ReleaseConfig config;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ReleasePlan(ReleaseConfig config) {
        this.config = config;
    }

    public Path write(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Path file = run.releaseDir().resolve(FILE);
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("tag", run.suite().tag());
        plan.put("dryRun", run.getRequest().dryRun());
        plan.put("sent", false);
        plan.put("requests", requests(run));
        try {
            Files2.writeAtomically(file, json.writeValueAsBytes(plan));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return file;
    }

    List<Map<String, Object>> requests(ReleaseRun run) {
        SuiteVersion suite = run.suite();
        ReleaseConfig.Gitea gitea = config.gitea();
        String base = gitea.url().replaceAll("/+$", "");
        String repoApi = base + "/api/v1/repos/" + enc(gitea.owner()) + "/" + enc(gitea.repo());
        List<Map<String, Object>> requests = new ArrayList<>();

        Map<String, Object> release = new LinkedHashMap<>();
        release.put("tag_name", suite.tag());
        release.put("name", title(suite));
        release.put("body", ChangelogRule.section(run.getRequest().workspace().resolve(config.rules().changelog()),
                suite.version()).orElse(""));
        release.put("draft", gitea.draft());
        release.put("prerelease", config.channels().get(suite.channel()).prerelease());
        requests.add(request("create-release", "POST", repoApi + "/releases", release, null));

        // Release assets: the manifest and checksums, the CLI archives and the chart.
        List<String> assets = new ArrayList<>();
        assets.add(ReleaseManifest.fileName(suite.version()));
        assets.add(Checksums.fileName(suite.version()));
        run.doneSteps(ExecPlanner.BUILD_CLI).forEach(s -> s.artifacts().forEach(a -> assets.add(a.path())));
        run.doneSteps(HelmChart.STAGE).forEach(s -> s.artifacts().forEach(a -> assets.add(a.path())));
        for (String asset : assets) {
            if (Files.isRegularFile(run.releaseDir().resolve(asset))) {
                String name = Path.of(asset).getFileName().toString();
                requests.add(request("upload-asset", "POST",
                        repoApi + "/releases/{id}/assets?name=" + enc(name), null, Map.of("field", "attachment", "file", asset)));
            }
        }
        for (StepResult module : run.doneSteps(ExecPlanner.BUILD_MODULES)) {
            for (Artifact pkg : module.artifacts()) {
                requests.add(request("publish-nuget", "PUT", base + "/api/packages/" + enc(gitea.owner()) + "/nuget/",
                        null, Map.of("file", pkg.path(), "header", "X-NuGet-ApiKey: $GITEA_TOKEN")));
            }
        }
        for (StepResult image : run.doneSteps(ContainerImages.STAGE)) {
            String repository = image.details().get("repository");
            int slash = repository.indexOf('/');
            String registry = repository.substring(0, slash);
            String name = repository.substring(slash + 1);
            for (String tag : image.details().get("tags").split(",")) {
                requests.add(request("push-image", "PUT", "https://" + registry + "/v2/" + name + "/manifests/" + tag,
                        null, Map.of("file", image.artifacts().get(0).path(), "digest", image.details().get("digest"))));
            }
        }
        run.doneSteps(HelmChart.STAGE).forEach(chart -> chart.artifacts().forEach(a -> requests.add(request("publish-helm",
                "POST", base + "/api/packages/" + enc(gitea.owner()) + "/helm/api/charts", null, Map.of("file", a.path())))));
        return requests;
    }

    /** {@code StellaOps 2026.04 Nova}: the configured title with the codename capitalised. */
    public String title(SuiteVersion suite) {
        String codename = suite.codename().substring(0, 1).toUpperCase(Locale.ROOT) + suite.codename().substring(1);
        return config.gitea().title().replace("{version}", suite.version()).replace("{codename}", codename)
                .replace("{channel}", suite.channel());
    }

    private static Map<String, Object> request(String action, String method, String url, Object body,
                                               Map<String, String> artifact) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("action", action);
        r.put("method", method);
        r.put("url", url);
        if (body != null) {
            r.put("json", body);
        }
        if (artifact != null) {
            r.putAll(artifact);
        }
        return r;
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
