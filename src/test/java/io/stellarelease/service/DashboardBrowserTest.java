package io.stellarelease.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.app.CamelApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium), against the running service: a run's boxes
 * turn from running to done, a step's log is followed, a failed run shows its failed step and reason,
 * and markup in a log stays text. Then the release files and the metrics the same runs produced.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    /** Printed by Signer's build: it must show as text, never become an element or run. */
    static final String XSS = "<img src=x onerror=window.stellaXss=1><script>window.stellaXss=2</script>";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final int EARLIER_RUNS = 60;
    private static final int PAGE = 50; // dashboard.js PAGE_SIZE

    private static ServiceFixture fixture;
    private static CamelApp app;
    private static ChromeDriver browser;
    private static String succeededRun;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServiceFixture(c -> {
            ObjectNode modules = (ObjectNode) c.get("modules");
            // Slow builds, so the page sees them running; 2026.10 fails at Signer, whose log carries markup.
            ArrayNode command = modules.arrayNode().add("env").add("STELLA_EXAMPLE_SLEEP=2");
            command.addAll((ArrayNode) modules.get("command"));
            modules.set("command", command);
            for (var item : modules.get("items")) {
                if (item.get("name").asText().equals("Signer")) {
                    ((ObjectNode) item).set("command", modules.arrayNode().add("bash").add("-c")
                            .add("echo '" + XSS + "'; if [ \"$SUITE_VERSION\" = 2026.10 ]; then export STELLA_EXAMPLE_FAIL_MODULE=Signer; fi; "
                                    + "exec env STELLA_EXAMPLE_SLEEP=2 bash build/build-module.sh"));
                }
            }
        });
        // Earlier runs, finished an hour ago: more than one page of the list (see the last test).
        RunRegistry earlier = new RunRegistry(fixture.state);
        java.time.Instant hourAgo = java.time.Instant.now().minus(Duration.ofHours(1));
        for (int n = 1; n <= EARLIER_RUNS; n++) {
            int i = n;
            RunRecord run = earlier.submit(new RunRequest("suite", "suite-2026.04." + i, "2026.04." + i, "dispatch-http",
                    "seed-" + i, null, null, true, false, true), hourAgo.plusSeconds(i)).run();
            earlier.update(run.id(), r -> r.withState(RunState.SUCCEEDED, hourAgo.plusSeconds(i + 1), null));
        }
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, fixture.overrides());
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    private static String dispatch(String message) {
        HttpResponse<String> r = fixture.post("/api/v1/dispatch", message.getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return ServiceFixture.json(r).get("run").asText();
    }

    private static WebDriverWait waitUpTo(Duration timeout) {
        return new WebDriverWait(browser, timeout, Duration.ofMillis(100));
    }

    private static By box(String attribute, String name, String status) {
        return By.cssSelector("[" + attribute + "='" + name + "'][data-status='" + status + "']");
    }

    @Test
    @Order(1)
    void aRunsBoxesTurnFromRunningToDoneAndItsLogIsFollowed() throws Exception {
        String id = dispatch("{\"version\":\"2026.04\",\"codename\":\"Nova\",\"skipTests\":true}");
        browser.get("http://127.0.0.1:" + fixture.port + "/#/runs/" + id);

        // While a module builds, the stages not reached yet are drawn as waiting.
        waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.presenceOfElementLocated(
                box("data-step", "build-modules:Authority", "running")));
        assertThat(browser.findElements(box("data-stage", "release-manifest", "waiting"))).hasSize(1);
        assertThat(browser.findElements(box("data-stage", "summary", "waiting"))).hasSize(1);
        assertThat(browser.findElement(By.cssSelector("[data-stage='build-modules'] .progress")).getText()).matches(" ?\\d/9");

        // The page redraws the run every second: click the box as it is now (a busy machine may redraw in between).
        waitUpTo(RUN_TIMEOUT).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("[data-step='build-modules:Authority']")).click();
            return true;
        });
        waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"),
                "building StellaOps.Authority"));
        waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.presenceOfElementLocated(box("data-step", "build-modules:Authority", "done")));

        waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.textToBe(By.id("run-state"), "succeeded"));
        assertThat(browser.findElement(By.cssSelector("[data-stage='build-modules']")).getAttribute("data-status")).isEqualTo("done");
        assertThat(browser.findElement(By.cssSelector("[data-stage='build-modules'] .progress")).getText().strip()).isEqualTo("9/9");
        assertThat(browser.findElement(By.cssSelector("[data-stage='test-gate']")).getAttribute("data-status")).isEqualTo("skipped");
        assertThat(browser.findElements(By.cssSelector("[data-stage='summary'][data-status='done']"))).hasSize(1);
        // The whole Authority log, read incrementally with ?offset, ends as the file does.
        String log = Files.readString(fixture.out.resolve("2026.04/logs/build-modules/Authority.log")).strip();
        waitUpTo(RUN_TIMEOUT).until(d -> d.findElement(By.id("log")).getText().strip().equals(log));

        // Markup in Signer's log is shown as text.
        browser.findElement(By.cssSelector("[data-step='build-modules:Signer']")).click();
        waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), XSS));
        assertThat(browser.findElements(By.cssSelector("#log *"))).isEmpty();
        assertThat(browser.executeScript("return window.stellaXss === undefined")).isEqualTo(true);

        // Links to the manifest, checksums and summary, served by the run API.
        String manifest = browser.findElement(By.cssSelector("a[data-file='manifest']")).getAttribute("href");
        assertThat(manifest).endsWith("/api/v1/runs/" + id + "/files/suite-2026.04.yaml");
        assertThat(browser.findElements(By.cssSelector("a[data-file='checksums']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("a[data-file='summary']"))).hasSize(1);
        assertThat(browser.findElement(By.id("artifacts")).getText()).contains("nuget/StellaOps.Authority.1.4.0.nupkg")
                .contains("images/authority.oci.tar").contains("helm/stellaops-2026.04.tgz");

        Path shot = Path.of("target/dashboard.png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        succeededRun = id;
    }

    @Test
    @Order(2)
    void aFailedRunShowsItsFailedStepAndReasonAsText() {
        String id = dispatch("{\"version\":\"2026.10\",\"codename\":\"Orion\",\"channel\":\"stable\",\"skipTests\":true}");
        browser.get("http://127.0.0.1:" + fixture.port + "/");
        waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run='" + id + "']")));
        browser.findElement(By.cssSelector("tr[data-run='" + id + "'] a")).click();

        waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.textToBe(By.id("run-state"), "failed"));
        assertThat(browser.findElement(By.cssSelector("[data-stage='build-modules']")).getAttribute("data-status")).isEqualTo("failed");
        assertThat(browser.findElement(By.cssSelector("[data-step='build-modules:Signer']")).getAttribute("data-status")).isEqualTo("failed");
        assertThat(browser.findElement(By.cssSelector("[data-step='build-modules:Authority']")).getAttribute("data-status")).isEqualTo("done");
        assertThat(browser.findElement(By.cssSelector("[data-stage='release-manifest']")).getAttribute("data-status")).isEqualTo("not-run");
        assertThat(browser.findElement(By.cssSelector("[data-failed-step='build-modules:Signer']")).getText()).contains("exit code 3");
        String reason = browser.findElement(By.cssSelector("[data-failed-stage='build-modules'] .reason")).getText();
        assertThat(reason).contains("build of Signer failed (forced by STELLA_EXAMPLE_FAIL_MODULE)").contains(XSS);
        assertThat(browser.findElements(By.cssSelector("#failures img, #failures script"))).isEmpty();
        assertThat(browser.executeScript("return window.stellaXss === undefined")).isEqualTo(true);

        // The runs list filtered by state.
        browser.get("http://127.0.0.1:" + fixture.port + "/");
        new Select(waitUpTo(RUN_TIMEOUT).until(ExpectedConditions.elementToBeClickable(By.id("state-filter")))).selectByValue("failed");
        // The list is redrawn on every poll: a row read while it is replaced is read again at the next try.
        waitUpTo(RUN_TIMEOUT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElements(By.cssSelector("#runs tbody tr")).stream()
                .allMatch(r -> "failed".equals(r.getAttribute("data-state")))
                && !d.findElements(By.cssSelector("tr[data-run='" + id + "']")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("tr[data-run='" + id + "']")).getText()).contains("suite-2026.10-orion-stable")
                .contains("stable").contains("failed");
    }

    @Test
    @Order(3)
    void releaseFilesAreServedFromTheReleaseDirectoryOnly() {
        assertThat(succeededRun).as("the first test's run").isNotNull();
        String files = "/api/v1/runs/" + succeededRun + "/files/";
        HttpResponse<String> manifest = fixture.get(files + "suite-2026.04.yaml");
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.body()).contains("schema: stella-release/v1");
        assertThat(manifest.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        HttpResponse<String> image = fixture.get(files + "images/authority.oci.tar");
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

        assertThat(fixture.get(files + "state.json").statusCode()).isEqualTo(404);
        assertThat(fixture.get(files + "work/build-modules/Authority/publish").statusCode()).isEqualTo(404);
        assertThat(fixture.get(files + "..%2F..%2Fstate%2Fruns%2F" + succeededRun + ".json").statusCode()).isIn(400, 404);
        assertThat(fixture.get(files + "nuget/%2e%2e/%2e%2e/release.yaml").statusCode()).isIn(400, 404);
        assertThat(fixture.get(files + ".hidden").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(4)
    void metricsCountRunsStagesExecsQueueAndWebhookAnswers() throws InterruptedException {
        HttpResponse<String> unsigned = fixture.post("/api/v1/webhooks/gitea", ServiceFixture.giteaCreate("suite-2026.04-nova"),
                Map.of("Content-Type", "application/json", "X-Gitea-Event", "create"));
        assertThat(unsigned.statusCode()).isEqualTo(401);

        // Camel counts a delivery when it completes the exchange, just after platform-http wrote the answer: the
        // scrape may come first, so it is repeated until the delivery is counted (or 30 s pass).
        String counted = "stella_webhook_deliveries_total{code=\"401\",source=\"gitea\"} 1.0";
        HttpResponse<String> metrics = fixture.get("/observe/metrics");
        for (long deadline = System.nanoTime() + 30_000_000_000L; !metrics.body().contains(counted) && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
            metrics = fixture.get("/observe/metrics");
        }
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("stella_runs_started_total{kind=\"suite\"} 2.0")
                .contains("stella_runs_finished_total{kind=\"suite\",outcome=\"succeeded\"} 1.0")
                .contains("stella_runs_finished_total{kind=\"suite\",outcome=\"failed\"} 1.0")
                .contains("stella_stage_duration_seconds_bucket{stage=\"build-modules\",status=\"done\",le=")
                .contains("stella_stage_duration_seconds_count{stage=\"build-modules\",status=\"failed\"} 1")
                .contains("stella_exec_duration_seconds_count{stage=\"build-modules\",status=\"done\"} 17")
                .contains("stella_exec_duration_seconds_count{stage=\"build-modules\",status=\"failed\"} 1")
                .contains("stella_dispatch_queue_depth{transport=\"directory\"} 0.0")
                .contains(counted);
    }

    @Test
    @Order(5)
    void theRunListShowsOnePageAndMoreOnRequest() {
        int total = ServiceFixture.json(fixture.get("/api/v1/runs?limit=200")).get("runs").size();
        assertThat(total).isGreaterThan(PAGE).isLessThanOrEqualTo(2 * PAGE);
        browser.get("http://127.0.0.1:" + fixture.port + "/");
        By rows = By.cssSelector("#runs tbody tr");
        waitUpTo(RUN_TIMEOUT).until(d -> d.findElements(rows).size() == PAGE);
        WebElement more = browser.findElement(By.id("more-runs"));
        assertThat(more.isDisplayed()).isTrue();
        // Newest first: the runs of the tests above lead, the earlier runs follow.
        assertThat(browser.executeScript("return document.querySelector('#runs tbody tr').dataset.run"))
                .isEqualTo(ServiceFixture.json(fixture.get("/api/v1/runs?limit=1")).at("/runs/0/id").asText());

        more.click();
        waitUpTo(RUN_TIMEOUT).until(d -> d.findElements(rows).size() == total);
        waitUpTo(RUN_TIMEOUT).until(d -> !d.findElement(By.id("more-runs")).isDisplayed());
        // Read in one script: the list is redrawn on every poll.
        assertThat((List<Object>) browser.executeScript(
                "return [...document.querySelectorAll('tr[data-run] a')].map(a => a.textContent)"))
                .contains("suite-2026.04.1", "suite-2026.04." + EARLIER_RUNS);
        // Still polled: the longer list stays once shown.
        ServiceFixture.sleep(2500);
        assertThat(browser.findElements(rows)).hasSize(total);
    }
}
