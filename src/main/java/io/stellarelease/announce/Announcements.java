package io.stellarelease.announce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.clients.Secret;
import io.stellarelease.targets.PlanFile;
import io.stellarelease.rules.ChangelogRule;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.releasemanifest.ReleaseManifest;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.support.DefaultExchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The announce stage: a released suite announced once to every configured chat webhook and by e-mail (camel-mail), the
 * text rendered from the template users edit ({@link AnnouncementTemplate}). Each target that accepted it is recorded in
 * the release history ({@link AnnouncementLog}) before the next is tried, and a target recorded there is never sent the
 * release again. A dry run renders the text and lists every request in release-plan.json, and sends nothing.
 */
public class Announcements {
    public static final String STAGE = "announce";
    public static final String TEXT_FILE = "announcement.md";
    public static final String EMAIL = "email";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** A rendered announcement: subject (e-mail) and text. */
    public record Message(String subject, String text) { }

    private final ReleaseConfig config;
    private final AnnouncementLog log;
    private final ReleaseHistory history;
    private final CamelContext context;
    /** Made on the first webhook sent: a client sets up TLS (the JDK's default SSLContext, its trust store) and a
     *  selector thread, which a run that sends nothing, and serve at start-up, never need. */
    private HttpClient http;

    public Announcements(ReleaseConfig config, ReleaseHistory history, CamelContext context) {
        this.config = config;
        this.log = new AnnouncementLog(history);
        this.history = history;
        this.context = context;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    private Duration timeout() {
        return config.announce() != null && config.announce().timeout() != null ? config.announce().timeout() : DEFAULT_TIMEOUT;
    }

    /** Every configured target: {@code webhook:<name>} for each chat webhook, then {@code email}. */
    List<String> targets() {
        List<String> targets = new ArrayList<>();
        config.announce().webhooks().forEach(h -> targets.add("webhook:" + h.name()));
        if (config.announce().email() != null) {
            targets.add(EMAIL);
        }
        return targets;
    }

    /** Why the stage sends nothing, or null. */
    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (config.announce() == null) {
            return "no announcement configured (announce in the release configuration)";
        }
        String tag = run.releaseTag();
        List<String> pending = targets().stream().filter(t -> log.sent(tag, t).isEmpty()).toList();
        if (pending.isEmpty()) {
            return "announced earlier (" + String.join(", ", targets()) + "; " + log.file(tag) + "): sent once per release";
        }
        return null;
    }

    /**
     * Renders the announcement into {@code announcement.md} and lists what goes to each target not yet sent it in
     * release-plan.json (a webhook by its name, never its URL). The targets still to send are the body.
     */
    public List<String> plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName) {
        Message message = render(run);
        try {
            Files2.writeAtomically(run.releaseDir().resolve(TEXT_FILE), message.text().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + run.releaseDir().resolve(TEXT_FILE), e);
        }
        String tag = run.releaseTag();
        List<String> pending = new ArrayList<>();
        List<ObjectNode> entries = new ArrayList<>();
        for (ReleaseConfig.ChatHook hook : config.announce().webhooks()) {
            ObjectNode e = JSON.createObjectNode();
            e.put("kind", "webhook");
            e.put("name", hook.name());
            boolean matrix = hook.formatOrDefault().equals("matrix");
            e.put("method", matrix ? "PUT" : "POST");
            e.put("url", "(secret: " + hook.url() + ")" + (matrix ? "/" + transactionId(tag, hook) : ""));
            e.set("json", payload(hook, message));
            sentOrPending(tag, "webhook:" + hook.name(), e, pending);
            entries.add(e);
        }
        ReleaseConfig.Email mail = config.announce().email();
        if (mail != null) {
            ObjectNode e = JSON.createObjectNode();
            e.put("kind", EMAIL);
            e.put("method", "SMTP");
            e.put("url", smtpUri(mail));
            e.put("from", mail.from());
            mail.to().forEach(e.putArray("to")::add);
            e.put("subject", message.subject());
            e.put("text", message.text());
            sentOrPending(tag, EMAIL, e, pending);
            entries.add(e);
        }
        PlanFile.writeEntries(run, STAGE, entries);
        run.stage(stageName).ifPresent(stage -> stage.plan(pending));
        return pending;
    }

    private void sentOrPending(String tag, String target, ObjectNode entry, List<String> pending) {
        log.sent(tag, target).ifPresentOrElse(s -> entry.put("sentAt", s.sentAt().toString()), () -> pending.add(target));
    }

    /** Sends the announcement to one target and records it; a failure is the step's, with its reason. */
    public StepResult send(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @Body String target) {
        Instant started = Instant.now();
        Message message = render(run);
        String tag = run.releaseTag();
        Status status = Status.DONE;
        String why = null;
        if (log.sent(tag, target).isEmpty()) {
            try {
                deliver(target, tag, "", message);
                log.add(tag, new AnnouncementLog.Sent(target, Instant.now(), sha256(message.text())));
            } catch (AnnounceException e) {
                status = Status.FAILED;
                why = e.getMessage();
            }
        } else {
            why = "sent earlier";
        }
        Instant finished = Instant.now();
        return new StepResult(STAGE, target, status, null, started, finished, Duration.between(started, finished).toMillis(),
                null, List.of(), Map.of(), why);
    }

    /** The template with the release's values: version, codename, channel, dates, changelog section, links. */
    Message render(ReleaseRun run) {
        ReleaseConfig.Announce a = config.announce();
        Path templateFile = Path.of(a.template());
        String template;
        try {
            template = Files.readString(templateFile);
        } catch (IOException e) {
            throw new UncheckedIOException("announcement template " + templateFile.toAbsolutePath() + " cannot be read", e);
        }
        Map<String, String> values = values(run);
        for (var link : new java.util.TreeMap<>(a.links()).entrySet()) {
            values.put("links." + link.getKey(), AnnouncementTemplate.render("announce.links." + link.getKey(), link.getValue(), values));
        }
        String text = AnnouncementTemplate.render(templateFile.toString(), template, values);
        String subject;
        if (a.subject() != null) {
            subject = AnnouncementTemplate.render("announce.subject", a.subject(), values);
        } else {
            String first = text.lines().findFirst().orElse("").strip();
            subject = first.startsWith("# ") ? first.substring(2).strip() : "Release " + values.get("version");
        }
        return new Message(subject.replaceAll("[\\r\\n]+", " "), text);
    }

    private Map<String, String> values(ReleaseRun run) {
        SuiteVersion suite = run.requireSuite();
        JsonNode manifest;
        Path manifestFile = run.releaseDir().resolve(ReleaseManifest.fileName(run));
        try {
            manifest = YAML.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("the release manifest " + manifestFile + " cannot be read", e);
        }
        JsonNode support = manifest.at("/suite/support");
        Map<String, String> v = new LinkedHashMap<>();
        v.put("version", suite.version());
        v.put("codename", suite.codename());
        v.put("channel", suite.channel());
        v.put("tag", suite.tag());
        v.put("releaseDate", manifest.at("/suite/releasedAt").asText("").replaceAll("T.*", ""));
        v.put("standardSupportUntil", support.path("standardUntil").asText("n/a"));
        v.put("securitySupportUntil", support.path("securityUntil").asText("n/a"));
        v.put("prerelease", Boolean.toString(support.path("prerelease").asBoolean(false)));
        String section = ChangelogRule.section(run.getRequest().workspace().resolve(config.rules().changelog()), suite.version()).orElse("");
        int nl = section.indexOf('\n');
        v.put("changelog", nl < 0 ? "" : section.substring(nl + 1).strip()); // the section without its heading
        ReleaseConfig.Gitea gitea = config.gitea();
        v.put("releaseUrl", gitea.url().replaceAll("/+$", "") + "/" + gitea.owner() + "/" + gitea.repo() + "/releases/tag/" + suite.tag());
        v.put("manifest", ReleaseManifest.fileName(run));
        v.put("checksums", io.stellarelease.releasemanifest.Checksums.fileName(suite.version()));
        return v;
    }

    /** {@code {"text": ...}} (Slack, Mattermost, Matrix hookshot), or a Matrix room message. */
    private static ObjectNode payload(ReleaseConfig.ChatHook hook, Message message) {
        ObjectNode json = JSON.createObjectNode();
        if (hook.formatOrDefault().equals("matrix")) {
            json.put("msgtype", "m.notice");
            json.put("body", message.text());
        } else {
            json.put("text", message.text());
        }
        return json;
    }

    /** A Matrix transaction id per release and hook: the homeserver answers a repeated one without a second message. */
    private static String transactionId(String tag, ReleaseConfig.ChatHook hook) {
        return "stella-release." + tag + "." + hook.name();
    }

    /**
     * Sends a notice about a released suite ({@code what}, e.g. {@code degraded}) once to every configured target not sent
     * it yet, recording each in {@code <history>/suites/<tag>.<what>-announced.json} as it goes, like the release's own
     * announcement. Returns the targets that failed, with their reasons (empty: every target has it). No {@code announce}
     * section: nothing to send, an empty list.
     */
    public List<String> noticeOnce(String tag, String what, Message message) {
        if (config.announce() == null) {
            return List.of();
        }
        AnnouncementLog notices = new AnnouncementLog(history, what + "-announced");
        List<String> failures = new ArrayList<>();
        for (String target : targets()) {
            if (notices.sent(tag, target).isPresent()) {
                continue;
            }
            try {
                deliver(target, tag, "." + what, message);
                notices.add(tag, new AnnouncementLog.Sent(target, Instant.now(), sha256(message.text())));
            } catch (AnnounceException e) {
                failures.add(e.getMessage());
            }
        }
        return failures;
    }

    /** Whether any target is configured for notices ({@code announce} with a webhook or e-mail). */
    public boolean hasTargets() {
        return config.announce() != null && !targets().isEmpty();
    }

    /**
     * Sends {@code message} to one target: {@code email}, or {@code webhook:<name>} with the release's transaction id
     * plus {@code idSuffix} (a follow-up notice gets its own id, so the chat does not drop it as a repeat).
     */
    private void deliver(String target, String tag, String idSuffix, Message message) throws AnnounceException {
        if (target.equals(EMAIL)) {
            email(config.announce().email(), message);
        } else {
            String name = target.substring("webhook:".length());
            ReleaseConfig.ChatHook hook = config.announce().webhooks().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
            webhook(transactionId(tag, hook) + idSuffix, hook, message);
        }
    }

    private void webhook(String transactionId, ReleaseConfig.ChatHook hook, Message message) throws AnnounceException {
        Secret url = resolve(hook.url(), "webhook " + hook.name() + " url");
        boolean matrix = hook.formatOrDefault().equals("matrix");
        String target = matrix ? url.reveal().replaceAll("/+$", "") + "/" + URLEncoder.encode(transactionId, StandardCharsets.UTF_8)
                : url.reveal();
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(target)).timeout(timeout()).header("Content-Type", "application/json");
        } catch (IllegalArgumentException e) {
            throw new AnnounceException("webhook " + hook.name() + ": its URL (" + hook.url() + ") is not a valid URL");
        }
        String body;
        try {
            body = JSON.writeValueAsString(payload(hook, message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (matrix) {
            request.header("Authorization", "Bearer " + resolve(hook.token(), "webhook " + hook.name() + " token").reveal());
            request.PUT(HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // The exception may name the URL, which is the secret: only its kind is reported.
            throw new AnnounceException("webhook " + hook.name() + ": not sent: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnnounceException("webhook " + hook.name() + ": interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            String answer = response.body() == null ? "" : response.body().replace(url.reveal(), "****");
            throw new AnnounceException("webhook " + hook.name() + ": HTTP " + response.statusCode()
                    + (answer.isBlank() ? "" : ": " + answer.substring(0, Math.min(200, answer.length())).strip()));
        }
    }

    private static String smtpUri(ReleaseConfig.Email mail) {
        boolean ssl = mail.securityOrDefault().equals("ssl");
        int port = mail.port() != null ? mail.port() : ssl ? 465 : mail.securityOrDefault().equals("starttls") ? 587 : 25;
        return (ssl ? "smtps://" : "smtp://") + mail.host() + ":" + port;
    }

    /** Through camel-mail: the server, sender and recipients from the configuration, the password set on the endpoint. */
    private void email(ReleaseConfig.Email mail, Message message) throws AnnounceException {
        MailEndpoint endpoint = context.getEndpoint(smtpUri(mail) + "?connectionTimeout=" + timeout().toMillis(), MailEndpoint.class);
        if (mail.username() != null) {
            endpoint.getConfiguration().setUsername(mail.username());
            endpoint.getConfiguration().setPassword(resolve(mail.password(), "announce.email password").reveal());
        }
        if (mail.securityOrDefault().equals("starttls")) {
            Properties props = new Properties();
            props.setProperty("mail.smtp.starttls.enable", "true");
            props.setProperty("mail.smtp.starttls.required", "true");
            endpoint.getConfiguration().setAdditionalJavaMailProperties(props);
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader("From", mail.from());
        exchange.getMessage().setHeader("To", String.join(",", mail.to()));
        exchange.getMessage().setHeader("Subject", message.subject());
        exchange.getMessage().setHeader("Content-Type", "text/plain; charset=UTF-8");
        exchange.getMessage().setBody(message.text());
        ProducerTemplate producer = context.createProducerTemplate();
        try {
            producer.send(endpoint, exchange);
        } finally {
            try {
                producer.stop();
            } catch (Exception ignored) {
                // nothing was left open by a template that sent one exchange
            }
        }
        if (exchange.getException() != null) {
            Throwable e = exchange.getException();
            while (e.getCause() != null && e.getMessage() != null && e.getMessage().contains("Exception")) {
                e = e.getCause();
            }
            throw new AnnounceException("email to " + String.join(", ", mail.to()) + " via " + smtpUri(mail) + ": not sent: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    private static Secret resolve(ReleaseConfig.SecretRef ref, String what) throws AnnounceException {
        try {
            return ref.env() != null ? Secret.fromEnv(ref.env()) : Secret.fromFile(Path.of(ref.file()));
        } catch (IllegalStateException e) {
            throw new AnnounceException(what + ": " + e.getMessage());
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A target did not take the announcement; the message says which and why, never a secret. */
    static final class AnnounceException extends Exception {
        AnnounceException(String message) {
            super(message);
        }
    }
}
