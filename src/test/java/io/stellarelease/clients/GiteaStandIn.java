package io.stellarelease.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A Gitea for tests: every request is checked against Gitea's swagger (the {@code /api/v1} API) or, for the package
 * endpoints the swagger lacks, against RELEASE_RULES.md; a request that breaks the contract gets 400 and is recorded
 * in {@link #violations()}, which tests assert empty. Conforming requests get Gitea's answers (201 + Release, 409 for
 * a tag that has a release, 404, 204...). Drafts are answered as to a writer, with one strict reading: get-by-tag
 * does not answer a draft (404), as GitHub's does not and as Gitea's need not (drafts are listed with {@code draft=true}),
 * so clients must find drafts by listing. Faults can be injected: the next N requests to a path fail with a status,
 * or their connection drops (mid-upload, or after the upload was stored but before the answer).
 */
public final class GiteaStandIn implements AutoCloseable {

    /** A request as received, with the status answered (0: connection dropped). */
    public record Recorded(String method, String path, String query, int status) {
        public boolean write() {
            return !method.equals("GET") && !method.equals("HEAD");
        }
    }

    /** When an injected drop closes the connection. */
    public enum Drop {
        /** After reading part of the request body: nothing stored. */
        MID_UPLOAD,
        /** After the request took effect, before any answer: the client cannot know it succeeded. */
        AFTER_STORE
    }

    private record Fault(String method, Pattern path, int status, String retryAfter, Drop drop, int[] remaining) { }

    private record Answer(int status, Object body, Map<String, String> headers) {
        Answer(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    private static final Pattern RELEASES = Pattern.compile("/api/v1/repos/([^/]+)/([^/]+)/releases");
    private static final Pattern RELEASE = Pattern.compile("/api/v1/repos/([^/]+)/([^/]+)/releases/(\\d+)");
    private static final Pattern RELEASE_BY_TAG = Pattern.compile("/api/v1/repos/([^/]+)/([^/]+)/releases/tags/([^/]+)");
    private static final Pattern ASSETS = Pattern.compile("/api/v1/repos/([^/]+)/([^/]+)/releases/(\\d+)/assets");
    private static final Pattern ASSET = Pattern.compile("/api/v1/repos/([^/]+)/([^/]+)/releases/(\\d+)/assets/(\\d+)");
    private static final Pattern NUGET = Pattern.compile("/api/packages/([^/]+)/nuget/");
    private static final Pattern HELM = Pattern.compile("/api/packages/([^/]+)/helm/api/charts");
    private static final Pattern PACKAGE = Pattern.compile("/api/v1/packages/([^/]+)/(nuget|helm)/([^/]+)/([^/]+)");

    private final String owner;
    private final String repo;
    private final String token;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ObjectMapper json = new ObjectMapper();

    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    // Gitea's state: releases by id, their attachments, published packages ("id@version").
    private final Map<Long, ObjectNode> releases = new LinkedHashMap<>();
    private final Map<Long, List<ObjectNode>> attachments = new LinkedHashMap<>();
    private final List<String> nugetPackages = new ArrayList<>();
    private final List<String> helmCharts = new ArrayList<>();
    private long nextId = 1;

    public GiteaStandIn(String owner, String repo, String token) throws IOException {
        SwaggerContract.validator(); // fail now, clearly, when the description is missing
        this.owner = owner;
        this.repo = repo;
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** The assets of the release for {@code tag}, as name -> sizes (a duplicate name shows as two sizes). */
    public synchronized Map<String, List<Long>> assets(String tag) {
        Map<String, List<Long>> result = new LinkedHashMap<>();
        releaseByTag(tag).ifPresent(r -> attachments.get(r.get("id").asLong()).forEach(a ->
                result.computeIfAbsent(a.get("name").asText(), k -> new ArrayList<>()).add(a.get("size").asLong())));
        return result;
    }

    public synchronized int releaseCount() {
        return releases.size();
    }

    /** Whether the release of {@code tag} is a draft; empty when there is none. */
    public synchronized Optional<Boolean> draft(String tag) {
        return releaseByTag(tag).map(r -> r.get("draft").asBoolean());
    }

    public synchronized List<String> nugetPackages() {
        return List.copyOf(nugetPackages);
    }

    public synchronized List<String> helmCharts() {
        return List.copyOf(helmCharts);
    }

    /** Answers the next {@code times} requests matching method and path (a regex) with {@code status}. */
    public void failNext(String method, String pathRegex, int times, int status, String retryAfter) {
        faults.add(new Fault(method, Pattern.compile(pathRegex), status, retryAfter, null, new int[] {times}));
    }

    /** Drops the connection of the next {@code times} requests matching method and path. */
    public void dropNext(String method, String pathRegex, int times, Drop drop) {
        faults.add(new Fault(method, Pattern.compile(pathRegex), 0, null, drop, new int[] {times}));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- the exchange

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        try {
            Fault fault = takeFault(method, path);
            if (fault != null && fault.drop() == Drop.MID_UPLOAD) {
                InputStream in = exchange.getRequestBody();
                in.readNBytes(Math.max(1, contentLength(exchange) / 2));
                drop(exchange, method, path, query);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (fault != null && fault.status() != 0) {
                Map<String, String> headers = fault.retryAfter() == null ? Map.of() : Map.of("Retry-After", fault.retryAfter());
                respond(exchange, method, path, query, new Answer(fault.status(), error("injected fault " + fault.status()), headers));
                return;
            }
            List<String> broken = check(exchange, method, path, query, body);
            if (!broken.isEmpty()) {
                violations.addAll(broken);
                respond(exchange, method, path, query, new Answer(400, error(String.join("; ", broken))));
                return;
            }
            Answer answer;
            synchronized (this) {
                answer = answer(exchange, method, path, query, body);
            }
            if (fault != null && fault.drop() == Drop.AFTER_STORE) {
                drop(exchange, method, path, query);
                return;
            }
            respond(exchange, method, path, query, answer);
        } catch (RuntimeException e) {
            violations.add(method + " " + path + ": the stand-in failed: " + e);
            respond(exchange, method, path, query, new Answer(500, error(String.valueOf(e))));
        }
    }

    private Fault takeFault(String method, String path) {
        for (Fault fault : faults) {
            synchronized (fault) {
                if (fault.remaining()[0] > 0 && fault.method().equals(method) && fault.path().matcher(path).matches()) {
                    fault.remaining()[0]--;
                    return fault;
                }
            }
        }
        return null;
    }

    /** The contract violations of a request; swagger for /api/v1, RELEASE_RULES.md for the package endpoints. */
    private List<String> check(HttpExchange exchange, String method, String path, String query, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>(exchange.getRequestHeaders());
        if (path.startsWith("/api/v1/")) {
            List<String> broken = new ArrayList<>(SwaggerContract.check(method, path, queryParams(query), headers, body));
            if (ASSETS.matcher(path).matches() && method.equals("POST")) {
                broken.addAll(checkMultipart(exchange, path, body));
            }
            return broken;
        }
        String key = exchange.getRequestHeaders().getFirst("X-NuGet-ApiKey");
        if (NUGET.matcher(path).matches() || path.matches("/api/packages/[^/]+/nuget")) {
            List<String> broken = new ArrayList<>();
            if (!method.equals("PUT")) {
                broken.add(method + " " + path + ": a NuGet push is PUT /api/packages/{owner}/nuget/");
            }
            if (!path.endsWith("/")) {
                broken.add(method + " " + path + ": the NuGet push URL is /api/packages/{owner}/nuget/ (trailing slash)");
            }
            if (key == null || key.isBlank()) {
                broken.add(method + " " + path + ": a NuGet push needs the X-NuGet-ApiKey header");
            }
            if (nuspec(body) == null) {
                broken.add(method + " " + path + ": the body is not a .nupkg (a zip with a .nuspec at its root)");
            }
            return broken;
        }
        if (HELM.matcher(path).matches()) {
            List<String> broken = new ArrayList<>();
            if (!method.equals("POST")) {
                broken.add(method + " " + path + ": a Helm upload is POST /api/packages/{owner}/helm/api/charts");
            }
            if (chart(body) == null) {
                broken.add(method + " " + path + ": the body is not a chart .tgz with {name}/Chart.yaml");
            }
            return broken;
        }
        return List.of(method + " " + path + ": neither in Gitea's swagger nor a package endpoint of RELEASE_RULES.md");
    }

    private List<String> checkMultipart(HttpExchange exchange, String path, byte[] body) {
        String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
        if (!type.startsWith("multipart/form-data")) {
            return List.of("POST " + path + ": the asset upload must be multipart/form-data, got '" + type + "'");
        }
        Multipart.Part part = Multipart.parse(type, body).get("attachment");
        return part == null ? List.of("POST " + path + ": no multipart field 'attachment'") : List.of();
    }

    // ---- Gitea's behaviour

    private Answer answer(HttpExchange exchange, String method, String path, String query, byte[] body) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String apiKey = exchange.getRequestHeaders().getFirst("X-NuGet-ApiKey");
        boolean authorized = ("token " + token).equals(auth) || token.equals(apiKey);
        if (!authorized) {
            return new Answer(401, error("invalid username, password or token"));
        }
        Matcher m;
        if ((m = RELEASES.matcher(path)).matches() && method.equals("POST")) {
            if (!knownRepo(m)) {
                return notFound();
            }
            ObjectNode create = (ObjectNode) json.readTree(body);
            String tag = create.path("tag_name").asText();
            if (releaseByTag(tag).isPresent()) {
                return new Answer(409, error("Release is has no Tag: release tag already exist [tag_name: " + tag + "]"));
            }
            long id = nextId++;
            ObjectNode release = json.createObjectNode();
            release.put("id", id);
            release.put("tag_name", tag);
            release.put("name", create.path("name").asText(""));
            release.put("body", create.path("body").asText(""));
            release.put("draft", create.path("draft").asBoolean(false));
            release.put("prerelease", create.path("prerelease").asBoolean(false));
            release.put("target_commitish", create.path("target_commitish").asText("main"));
            release.put("url", baseUrl() + "/api/v1/repos/" + owner + "/" + repo + "/releases/" + id);
            release.put("html_url", baseUrl() + "/" + owner + "/" + repo + "/releases/tag/" + tag);
            release.put("created_at", Instant.now().toString());
            if (!release.get("draft").asBoolean()) {
                release.put("published_at", Instant.now().toString());
            }
            releases.put(id, release);
            attachments.put(id, new ArrayList<>());
            return new Answer(201, withAssets(release));
        }
        if ((m = RELEASE_BY_TAG.matcher(path)).matches() && method.equals("GET")) {
            String tag = URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
            Optional<ObjectNode> release = knownRepo(m) ? releaseByTag(tag) : Optional.empty();
            return release.filter(r -> !r.get("draft").asBoolean()).map(r -> new Answer(200, withAssets(r)))
                    .orElseGet(GiteaStandIn::notFound);
        }
        if ((m = RELEASES.matcher(path)).matches() && method.equals("GET")) {
            if (!knownRepo(m)) {
                return notFound();
            }
            // Gitea's ListReleases: newest first, draft / pre-release as filters, page (1-based) and limit (max 50).
            Map<String, List<String>> params = queryParams(query);
            String draft = params.getOrDefault("draft", List.of("")).get(0);
            String pre = params.getOrDefault("pre-release", List.of("")).get(0);
            int page = Math.max(1, Integer.parseInt(params.getOrDefault("page", List.of("1")).get(0)));
            int limit = Math.min(50, Integer.parseInt(params.getOrDefault("limit", List.of("30")).get(0)));
            limit = limit <= 0 ? 30 : limit;
            List<ObjectNode> all = new ArrayList<>(releases.values().stream()
                    .filter(r -> draft.isEmpty() || r.get("draft").asBoolean() == Boolean.parseBoolean(draft))
                    .filter(r -> pre.isEmpty() || r.get("prerelease").asBoolean() == Boolean.parseBoolean(pre))
                    .map(this::withAssets).toList());
            java.util.Collections.reverse(all);
            int from = Math.min(all.size(), (page - 1) * limit);
            return new Answer(200, all.subList(from, Math.min(all.size(), from + limit)),
                    Map.of("X-Total-Count", String.valueOf(all.size())));
        }
        if ((m = RELEASE.matcher(path)).matches() && (method.equals("GET") || method.equals("PATCH"))) {
            ObjectNode release = knownRepo(m) ? releases.get(Long.parseLong(m.group(3))) : null;
            if (release == null) {
                return notFound();
            }
            if (method.equals("PATCH")) {
                // EditReleaseOption: what is given changes; publishing a draft dates it.
                ObjectNode edit = (ObjectNode) json.readTree(body);
                for (String field : List.of("tag_name", "name", "body", "target_commitish")) {
                    if (edit.hasNonNull(field) && !edit.get(field).asText().isEmpty()) {
                        release.put(field, edit.get(field).asText());
                    }
                }
                if (edit.hasNonNull("prerelease")) {
                    release.put("prerelease", edit.get("prerelease").asBoolean());
                }
                if (edit.hasNonNull("draft")) {
                    boolean wasDraft = release.get("draft").asBoolean();
                    release.put("draft", edit.get("draft").asBoolean());
                    if (wasDraft && !edit.get("draft").asBoolean()) {
                        release.put("published_at", Instant.now().toString());
                    }
                }
            }
            return new Answer(200, withAssets(release));
        }
        if ((m = ASSETS.matcher(path)).matches()) {
            List<ObjectNode> list = knownRepo(m) ? attachments.get(Long.parseLong(m.group(3))) : null;
            if (list == null) {
                return notFound();
            }
            if (method.equals("GET")) {
                return new Answer(200, list);
            }
            if (method.equals("POST")) {
                Multipart.Part part = Multipart.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body).get("attachment");
                String name = queryParams(query).getOrDefault("name", List.of()).stream().findFirst().orElse(part.filename());
                ObjectNode asset = json.createObjectNode();
                long id = nextId++;
                asset.put("id", id);
                asset.put("name", name);
                asset.put("size", part.content().length);
                asset.put("download_count", 0);
                asset.put("uuid", UUID.randomUUID().toString());
                asset.put("browser_download_url", baseUrl() + "/attachments/" + asset.get("uuid").asText());
                asset.put("created_at", Instant.now().toString());
                list.add(asset); // as Gitea, no check for a name already there: duplicates are the client's to avoid
                return new Answer(201, asset);
            }
        }
        if ((m = ASSET.matcher(path)).matches() && method.equals("DELETE")) {
            List<ObjectNode> list = knownRepo(m) ? attachments.get(Long.parseLong(m.group(3))) : null;
            long assetId = Long.parseLong(m.group(4));
            if (list == null || !list.removeIf(a -> a.get("id").asLong() == assetId)) {
                return notFound();
            }
            return new Answer(204, null);
        }
        if ((m = PACKAGE.matcher(path)).matches() && method.equals("GET")) {
            String name = URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
            String version = URLDecoder.decode(m.group(4), StandardCharsets.UTF_8);
            List<String> published = m.group(2).equals("nuget") ? nugetPackages : helmCharts;
            if (!URLDecoder.decode(m.group(1), StandardCharsets.UTF_8).equals(owner) || !published.contains(name + "@" + version)) {
                return notFound();
            }
            ObjectNode pkg = json.createObjectNode();
            pkg.put("id", nextId++);
            pkg.put("type", m.group(2));
            pkg.put("name", name);
            pkg.put("version", version);
            return new Answer(200, pkg);
        }
        if ((m = NUGET.matcher(path)).matches()) {
            String id = nuspec(body);
            if (!m.group(1).equals(owner)) {
                return notFound();
            }
            if (nugetPackages.contains(id)) {
                return new Answer(409, error("package version already exists"));
            }
            nugetPackages.add(id);
            return new Answer(201, null);
        }
        if ((m = HELM.matcher(path)).matches()) {
            String chart = chart(body);
            if (!m.group(1).equals(owner)) {
                return notFound();
            }
            if (helmCharts.contains(chart)) {
                return new Answer(409, error("package version already exists"));
            }
            helmCharts.add(chart);
            return new Answer(201, null);
        }
        return new Answer(501, error("the stand-in does not implement " + method + " " + path));
    }

    private boolean knownRepo(Matcher m) {
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8).equals(owner)
                && URLDecoder.decode(m.group(2), StandardCharsets.UTF_8).equals(repo);
    }

    private Optional<ObjectNode> releaseByTag(String tag) {
        return releases.values().stream().filter(r -> r.get("tag_name").asText().equals(tag)).findFirst();
    }

    private ObjectNode withAssets(ObjectNode release) {
        ObjectNode copy = release.deepCopy();
        copy.set("assets", json.valueToTree(attachments.get(release.get("id").asLong())));
        return copy;
    }

    private static Answer notFound() {
        return new Answer(404, error("The target couldn't be found."));
    }

    private static Map<String, String> error(String message) {
        return Map.of("message", message, "url", "https://docs.gitea.com/api");
    }

    // ---- packages: what the bodies must be

    /** "id@version" from the .nuspec at the zip's root, or null when the body is no such zip. */
    private static String nuspec(byte[] body) {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(body))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (!e.getName().contains("/") && e.getName().endsWith(".nuspec")) {
                    String xml = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                    String id = element(xml, "id");
                    String version = element(xml, "version");
                    return id == null || version == null ? null : id + "@" + version;
                }
            }
        } catch (IOException notAZip) {
            return null;
        }
        return null;
    }

    /** "name@version" from {name}/Chart.yaml in the gzipped tar, or null. */
    private static String chart(byte[] body) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(body)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().matches("[^/]+/Chart\\.yaml")) {
                    String yaml = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    Matcher name = Pattern.compile("(?m)^name:\\s*\"?([^\"\\s]+)").matcher(yaml);
                    Matcher version = Pattern.compile("(?m)^version:\\s*\"?([^\"\\s]+)").matcher(yaml);
                    return name.find() && version.find() ? name.group(1) + "@" + version.group(1) : null;
                }
            }
        } catch (IOException notATgz) {
            return null;
        }
        return null;
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">\\s*([^<]+?)\\s*</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    // ---- HTTP plumbing

    private void respond(HttpExchange exchange, String method, String path, String query, Answer answer) throws IOException {
        requests.add(new Recorded(method, path, query, answer.status()));
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
        } else {
            byte[] bytes = json.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().add("Content-Type", "application/json;charset=utf-8");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /** Closing an exchange before its response headers closes the connection: the client sees no answer. */
    private void drop(HttpExchange exchange, String method, String path, String query) {
        requests.add(new Recorded(method, path, query, 0));
        exchange.close();
    }

    private static int contentLength(HttpExchange exchange) {
        try {
            return Integer.parseInt(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Length")).orElse("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Map<String, List<String>> queryParams(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }
}
