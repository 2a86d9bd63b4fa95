package io.stellarelease.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.MulticastDefinition;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.StepDefinition;
import org.apache.camel.model.TryDefinition;
import org.apache.camel.model.WhenDefinition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The stages of a pipeline, read from its route's model, and the check that it can run.
 * <p>
 * The pipeline route lists its stages as {@code to: direct:<stage>} calls. Each stage's route wraps its work in one
 * {@code step} with the stage's name as id (Camel's step EIP: its events tell the stage tracker when the stage starts
 * and ends, wherever the pipeline calls it from, even from a multicast). That route declares what the stage needs and produces in its {@code note}:
 * {@code "needs: release; uses: chart; produces: published-chart"}. {@code needs} must be produced by an earlier
 * stage; {@code uses} only when a stage of the pipeline produces it (so an optional stage, e.g. build-helm, can be
 * removed and its users adapt). Steps under a {@code choice} or {@code filter} are conditional: they may not run.
 */
public class PipelinePlan {
    /** The pipelines the runner enters, one per kind of run. */
    public static final List<String> PIPELINES = List.of("direct:suite-pipeline", "direct:module-pipeline", "direct:rollback-pipeline");

    private final CamelContext context;
    private final String pipelineUri;

    /**
     * One stage as the pipeline lists it. {@code group} is the multicast it runs in, if any: its members run together.
     * {@code always}: listed in a {@code doFinally}, it runs whatever happened (the summary).
     */
    public record Stage(String name, Set<String> needs, Set<String> uses, Set<String> produces, boolean conditional,
                        Object group, String where, String routeFile, String stepId, String prefix, boolean always,
                        String noteProblem) {
        /** The id the step's events carry: a templated route's node ids get its prefix (route-1...). */
        public String eventId() {
            return stepId == null ? null : (prefix == null ? "" : prefix) + stepId;
        }
    }

    /** The stages of one pipeline in the order it lists them (a {@code doFinally} stage last). */
    public record Plan(String pipeline, String where, List<Stage> stages) {
        public List<String> names() {
            return stages.stream().map(Stage::name).toList();
        }

        public Optional<Stage> stage(String name) {
            return stages.stream().filter(s -> s.name().equals(name)).findFirst();
        }

        /** The stages of this pipeline that produce {@code kind}. */
        public List<String> producersOf(String kind) {
            return stages.stream().filter(s -> s.produces().contains(kind)).map(Stage::name).toList();
        }
    }

    public PipelinePlan(CamelContext context, String pipelineUri) {
        this.context = context;
        this.pipelineUri = pipelineUri;
    }

    /** Stage names in pipeline order; empty when no route starts at the pipeline's endpoint. */
    public List<String> stages() {
        return stages(pipelineUri);
    }

    /** The stages of the pipeline entered at {@code pipelineUri} (each kind of run has its own). */
    public List<String> stages(String pipelineUri) {
        return plan(pipelineUri).names();
    }

    /** The pipeline as it is, unchecked. */
    public Plan plan(String pipelineUri) {
        Model model = model();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            FromDefinition from = route.getInput();
            if (from != null && pipelineUri.equals(from.getEndpointUri())) {
                List<Stage> stages = new ArrayList<>();
                collect(model, route.getOutputs(), stages, false, null, false);
                return new Plan(pipelineUri, where(route), List.copyOf(stages));
            }
        }
        return new Plan(pipelineUri, null, List.of());
    }

    /** The pipeline, checked: refused with every problem (file and line first) when it cannot run as listed. */
    public Plan check(String pipelineUri) {
        List<String> problems = new ArrayList<>();
        Plan plan = check(pipelineUri, problems);
        refuseIfAny(checkCalls(problems));
        return plan;
    }

    /** Every pipeline that has a route, and every {@code direct:} call: what {@code serve} checks at start and on reload. */
    public void checkAll() {
        List<String> problems = new ArrayList<>();
        for (String uri : PIPELINES) {
            if (hasRoute(uri)) {
                check(uri, problems);
            }
        }
        refuseIfAny(checkCalls(problems));
    }

    /** What every route calls, whichever pipeline is checked: direct routes, kamelets and their parameters, components. */
    private List<String> checkCalls(List<String> problems) {
        checkDirectCalls(problems);
        checkKamelets(problems);
        checkKameletCalls(problems);
        checkComponents(problems);
        return problems;
    }

    private static void refuseIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new PipelineException(problems);
        }
    }

    private boolean hasRoute(String uri) {
        return model().getRouteDefinitions().stream().anyMatch(r -> r.getInput() != null && uri.equals(r.getInput().getEndpointUri()));
    }

    private Plan check(String pipelineUri, List<String> problems) {
        Plan plan = plan(pipelineUri);
        if (plan.where() == null) {
            problems.add("no route starts at " + pipelineUri + " (the pipeline route is missing)");
            return plan;
        }
        Model model = model();
        List<String> stageRoutes = model.getRouteDefinitions().stream().map(PipelinePlan::consumes).filter(Objects::nonNull).toList();
        if (plan.stages().isEmpty()) {
            problems.add(plan.where() + ": the pipeline lists no stage; list each as `- to: direct:<stage>`");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < plan.stages().size(); i++) {
            Stage stage = plan.stages().get(i);
            if (!seen.add(stage.name())) {
                problems.add(stage.where() + ": stage " + stage.name() + " is listed twice");
            }
            if (stage.routeFile() == null) {
                problems.add(stage.where() + ": stage " + stage.name() + " has no route (from: direct:" + stage.name() + ")"
                        + didYouMean(stage.name(), stageRoutes));
                continue;
            }
            if (stage.noteProblem() != null) {
                problems.add(stage.routeFile() + ": the note of stage " + stage.name() + " " + stage.noteProblem());
            }
            if (!stage.name().equals(stage.stepId())) {
                problems.add(stage.routeFile() + ": the route of stage " + stage.name() + " must wrap its work in "
                        + "`- step: {id: " + stage.name() + ", steps: [...]}`"
                        + (stage.stepId() != null ? " (its step is named " + stage.stepId() + ")" : ""));
                continue;
            }
            List<Stage> earlier = plan.stages().subList(0, i).stream()
                    .filter(s -> s.group() == null || s.group() != stage.group()).toList();
            for (String kind : stage.needs()) {
                if (earlier.stream().noneMatch(s -> s.produces().contains(kind))) {
                    List<String> producers = plan.producersOf(kind);
                    problems.add(stage.where() + ": stage " + stage.name() + " needs " + kind + ", which no earlier stage produces"
                            + (producers.isEmpty() ? " (no stage of this pipeline produces it)"
                            : " (" + String.join(", ", producers) + " produces it: list it before " + stage.name() + ", not beside it)"));
                }
            }
            for (String kind : stage.uses()) {
                List<String> producers = plan.producersOf(kind);
                if (!producers.isEmpty() && earlier.stream().noneMatch(s -> s.produces().contains(kind))) {
                    problems.add(stage.where() + ": stage " + stage.name() + " uses " + kind + " from "
                            + String.join(", ", producers) + ", which must come before it");
                }
            }
        }
        return plan;
    }

    /** A {@code to: direct:x} with no route {@code from: direct:x} would wait 30 s for one when reached: refuse it now. */
    private void checkDirectCalls(List<String> problems) {
        Model model = model();
        Set<String> consumers = new LinkedHashSet<>();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            if (consumes(route) != null) {
                consumers.add(consumes(route));
            }
        }
        for (RouteDefinition route : model.getRouteDefinitions()) {
            sends(route.getOutputs(), send -> {
                String uri = send.getEndpointUri();
                if (uri != null && uri.startsWith("direct:") && !uri.contains("{{") && !uri.contains("${")
                        && !consumers.contains(direct(uri))) {
                    String where = where(send, route);
                    // A pipeline's stage without a route is said once, as the stage (with its did-you-mean).
                    if (problems.stream().noneMatch(p -> p.startsWith(where + ": stage " + direct(uri) + " has no route"))) {
                        problems.add(where + ": " + uri + " has no route" + didYouMean(direct(uri), consumers));
                    }
                }
            });
        }
    }

    /**
     * The parameters a route gives our kamelets are checked before anything runs, as the kamelets read them when the
     * step is reached: a stella-exec command that is no argument list, a timeout that is no ISO-8601 duration, a
     * stella-http URL that is not absolute http(s) or carries credentials would otherwise fail the release after its builds.
     */
    private void checkKameletCalls(List<String> problems) {
        for (RouteDefinition route : model().getRouteDefinitions()) {
            sends(route.getOutputs(), send -> {
                String uri = send.getEndpointUri();
                if (uri == null || !uri.startsWith("kamelet:stella-") || uri.contains("{{") || uri.contains("${")) {
                    return;
                }
                String kamelet = uri.substring("kamelet:".length()).replaceFirst("[?/].*$", "");
                Map<String, Object> parameters;
                try {
                    int query = uri.indexOf('?');
                    parameters = query < 0 ? Map.of() : org.apache.camel.util.URISupport.parseQuery(uri.substring(query + 1), true);
                } catch (Exception e) {
                    problems.add(where(send, route) + ": " + kamelet + ": its parameters cannot be read: " + e.getMessage());
                    return;
                }
                String problem = kameletProblem(kamelet, parameters);
                if (problem != null) {
                    problems.add(where(send, route) + ": " + kamelet + " " + parameters.getOrDefault("name", "") + ": " + problem);
                }
            });
        }
    }

    private static String kameletProblem(String kamelet, Map<String, Object> parameters) {
        try {
            switch (kamelet) {
                case "stella-exec" -> {
                    if (parameters.get("command") != null) {
                        io.stellarelease.util.CommandText.arguments(raw(parameters.get("command")));
                    }
                    if (parameters.get("timeout") != null) {
                        java.time.Duration.parse(raw(parameters.get("timeout")));
                    }
                }
                case "stella-http" -> {
                    Object url = parameters.get("url");
                    if (url != null) {
                        java.net.URI target = java.net.URI.create(raw(url));
                        if (target.getScheme() == null || !target.getScheme().matches("https?") || target.getHost() == null) {
                            return "url must be an absolute http:// or https:// URL: got '" + raw(url) + "'";
                        }
                        if (target.getUserInfo() != null) {
                            return "credentials in the URL are refused (they would be in release-plan.json)";
                        }
                    }
                }
                default -> {
                    return null;
                }
            }
        } catch (java.time.format.DateTimeParseException e) {
            return "timeout must be an ISO-8601 duration such as PT10M: got '" + raw(parameters.get("timeout")) + "'";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    private static String raw(Object value) {
        String text = String.valueOf(value);
        return text.startsWith("RAW(") && text.endsWith(")") ? text.substring(4, text.length() - 1) : text;
    }

    /**
     * A {@code kamelet:x} call with no kamelet x would fail its route's start: in {@code serve}'s reload, after the
     * pipeline's routes were already taken down. A kamelet is one already loaded (a route template of that id) or a file
     * {@code x.kamelet.yaml} where the kamelet component looks ({@code camel.component.kamelet.location}).
     */
    private void checkKamelets(List<String> problems) {
        Model model = model();
        Set<String> known = null;
        for (RouteDefinition route : model.getRouteDefinitions()) {
            List<SendDefinition<?>> calls = new ArrayList<>();
            sends(route.getOutputs(), calls::add);
            for (SendDefinition<?> send : calls) {
                String name = kamelet(send.getEndpointUri());
                if (name == null) {
                    continue;
                }
                if (known == null) {
                    known = kamelets(model);
                }
                if (!known.contains(name)) {
                    problems.add(where(send, route) + ": kamelet:" + name + " has no kamelet (no route template " + name
                            + ", no " + name + ".kamelet.yaml)" + didYouMean(name, known));
                }
            }
        }
    }

    /**
     * Every static {@code to:} names a component on the class path. Camel finds a missing one only when it creates the
     * endpoint, as routes start: for {@code serve}'s reload that is after the live routes were taken down.
     */
    private void checkComponents(List<String> problems) {
        var resolver = org.apache.camel.support.PluginHelper.getComponentResolver(context);
        Map<String, Boolean> found = new java.util.HashMap<>();
        for (RouteDefinition route : model().getRouteDefinitions()) {
            List<SendDefinition<?>> calls = new ArrayList<>();
            sends(route.getOutputs(), calls::add);
            for (SendDefinition<?> send : calls) {
                String uri = send.getEndpointUri();
                int colon = uri == null ? -1 : uri.indexOf(':');
                if (colon <= 0 || uri.substring(0, colon).contains("{{") || uri.startsWith("$")) {
                    continue; // a placeholder or a bean reference: resolved at start
                }
                String scheme = uri.substring(0, colon);
                boolean exists = found.computeIfAbsent(scheme, k -> {
                    if (context.hasComponent(k) != null) {
                        return true;
                    }
                    try {
                        return resolver.resolveComponent(k, context) != null;
                    } catch (Exception e) {
                        return true; // it exists but cannot be made here: Camel says why at start
                    }
                });
                if (!exists) {
                    problems.add(where(send, route) + ": " + scheme + ": is no Camel component on the class path (in '"
                            + uri + "')");
                }
            }
        }
    }

    /** The kamelet a {@code kamelet:} URI calls, or null (not a kamelet, a placeholder, or a kamelet's own source/sink). */
    private static String kamelet(String uri) {
        if (uri == null || !uri.startsWith("kamelet:") || uri.contains("{{") || uri.contains("${")) {
            return null;
        }
        String name = uri.substring("kamelet:".length()).replaceFirst("^//", "").split("[/?]", 2)[0];
        return name.isEmpty() || name.equals("source") || name.equals("sink") ? null : name;
    }

    private Set<String> kamelets(Model model) {
        Set<String> known = new LinkedHashSet<>();
        model.getRouteTemplateDefinitions().forEach(t -> known.add(t.getId()));
        String locations = context.resolvePropertyPlaceholders("{{camel.component.kamelet.location:classpath:kamelets}}");
        var resolver = org.apache.camel.support.PluginHelper.getPackageScanResourceResolver(context);
        for (String location : locations.split(",")) {
            if (location.isBlank()) {
                continue;
            }
            try {
                for (var resource : resolver.findResources(location.strip().replaceAll("/+$", "") + "/*.kamelet.yaml")) {
                    String file = resource.getLocation().replace('\\', '/');
                    known.add(file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.kamelet\\.yaml$", ""));
                }
            } catch (Exception e) {
                // a location that cannot be listed holds no kamelet we can see
            }
        }
        return known;
    }

    private static void sends(List<ProcessorDefinition<?>> outputs, java.util.function.Consumer<SendDefinition<?>> each) {
        for (ProcessorDefinition<?> node : outputs) {
            if (node instanceof SendDefinition<?> send) {
                each.accept(send);
            }
            if (node instanceof ChoiceDefinition choice) {
                choice.getWhenClauses().forEach(w -> sends(w.getOutputs(), each));
                if (choice.getOtherwise() != null) {
                    sends(choice.getOtherwise().getOutputs(), each);
                }
            }
            if (node instanceof TryDefinition doTry && doTry.getFinallyClause() != null) {
                sends(doTry.getFinallyClause().getOutputs(), each);
            }
            sends(node.getOutputs(), each);
        }
    }

    private void collect(Model model, List<ProcessorDefinition<?>> outputs, List<Stage> stages, boolean conditional, Object group,
                         boolean always) {
        for (ProcessorDefinition<?> node : outputs) {
            if (node instanceof SendDefinition<?> send && send.getEndpointUri() != null && send.getEndpointUri().startsWith("direct:")) {
                stages.add(stage(model, send, conditional, group, always));
                continue;
            }
            if (node instanceof ChoiceDefinition choice) {
                for (WhenDefinition when : choice.getWhenClauses()) {
                    collect(model, when.getOutputs(), stages, true, group, always);
                }
                if (choice.getOtherwise() != null) {
                    collect(model, choice.getOtherwise().getOutputs(), stages, true, group, always);
                }
                continue;
            }
            boolean nestedConditional = conditional || node instanceof FilterDefinition;
            Object nestedGroup = node instanceof MulticastDefinition ? node : group;
            collect(model, node.getOutputs(), stages, nestedConditional, nestedGroup, always);
            if (node instanceof TryDefinition doTry && doTry.getFinallyClause() != null) {
                collect(model, doTry.getFinallyClause().getOutputs(), stages, conditional, group, true); // runs last, whatever happened
            }
        }
    }

    /** The route a {@code direct:} call reaches, or null. */
    private static RouteDefinition routeFrom(Model model, String name) {
        return model.getRouteDefinitions().stream()
                .filter(r -> name.equals(consumes(r)))
                .findFirst().orElse(null);
    }

    /** The {@code direct:} name a route starts at (a templated route's filled in), or null. */
    private static String consumes(RouteDefinition route) {
        String uri = route.getInput() == null ? null : templated(route, route.getInput().getEndpointUri());
        return uri != null && uri.startsWith("direct:") ? direct(uri) : null;
    }

    /** The id of the step a stage route wraps its work in, placeholders of a templated route filled in. */
    private static String stageStepId(RouteDefinition route) {
        for (ProcessorDefinition<?> node : route.getOutputs()) {
            if (node instanceof StepDefinition step && step.getId() != null) {
                return templated(route, step.getId());
            }
        }
        return null;
    }

    private static String templated(RouteDefinition route, String text) {
        if (text != null && text.contains("{{") && route.getTemplateParameters() != null) {
            for (var p : route.getTemplateParameters().entrySet()) {
                text = text.replace("{{" + p.getKey() + "}}", String.valueOf(p.getValue()));
            }
        }
        return text;
    }

    private static Stage stage(Model model, SendDefinition<?> send, boolean conditional, Object group, boolean always) {
        String name = direct(send.getEndpointUri());
        RouteDefinition route = routeFrom(model, name);
        Set<String> needs = new LinkedHashSet<>();
        Set<String> uses = new LinkedHashSet<>();
        Set<String> produces = new LinkedHashSet<>();
        String note = route == null ? null : templated(route, route.getNote());
        if (note != null) {
            for (String part : note.split(";")) {
                int colon = part.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                Set<String> into = switch (part.substring(0, colon).strip().toLowerCase(Locale.ROOT)) {
                    case "needs" -> needs;
                    case "uses" -> uses;
                    case "produces" -> produces;
                    default -> null; // free text in a note is allowed
                };
                if (into != null) {
                    for (String kind : part.substring(colon + 1).split(",")) {
                        if (!kind.isBlank()) {
                            into.add(kind.strip());
                        }
                    }
                }
            }
        }
        if (route != null) {
            // A stage that registers release artifacts produces them, whether or not its note says so.
            sends(route.getOutputs(), call -> {
                if (call.getEndpointUri() != null && call.getEndpointUri().startsWith("kamelet:stella-artifact")) {
                    produces.add(io.stellarelease.state.Produces.ARTIFACTS);
                }
            });
        }
        return new Stage(name, Set.copyOf(needs), Set.copyOf(uses), Set.copyOf(produces), conditional, group,
                where(send, null), route == null ? null : file(route.getLocation(), route.getRouteId()),
                route == null ? null : stageStepId(route), route == null ? null : route.getNodePrefixId(), always,
                noteProblem(note));
    }

    private static final List<String> NOTE_KEYS = List.of("needs", "uses", "produces");

    /**
     * A note is free text except where it declares: a near miss of a key ({@code need:}, {@code produce:}) or a key
     * without its colon ({@code needs release}) would silently declare nothing, so it is refused with what was meant.
     */
    static String noteProblem(String note) {
        if (note == null) {
            return null;
        }
        for (String part : note.split(";")) {
            String text = part.strip();
            int colon = text.indexOf(':');
            String key = (colon < 0 ? text.split("[\\s,]+", 2)[0] : text.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
            if (key.isEmpty() || NOTE_KEYS.contains(key) && colon >= 0) {
                continue;
            }
            if (NOTE_KEYS.contains(key)) {
                return "must declare with a colon: '" + text + "' declares nothing (write " + key + ": kind, kind)";
            }
            String meant = NOTE_KEYS.stream().filter(k -> distance(key, k) <= 2 && key.length() >= 3).findFirst().orElse(null);
            if (meant != null && colon >= 0) {
                return "declares only needs:, uses: and produces:: got '" + text + "' (did you mean " + meant + ":?)";
            }
        }
        return null;
    }

    private Model model() {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }

    /** {@code routes/pipeline.yaml:17}: where a node is, for an editor. */
    static String where(OptionalIdentifiedDefinition<?> node, RouteDefinition route) {
        String location = node.getLocation();
        if (location == null && route != null) {
            location = route.getLocation();
        }
        if (location == null) {
            return route != null ? "route " + route.getRouteId() : "route";
        }
        String file = file(location, null);
        return node.getLineNumber() > 0 ? file + ":" + node.getLineNumber() : file;
    }

    /** A route's file and line as the user would name them ({@code routes/stage-build-helm.yaml:4}), else its id. */
    public static String where(RouteDefinition route) {
        String file = file(route.getLocation(), null);
        if (file == null) {
            return "route " + route.getRouteId();
        }
        return route.getLineNumber() > 0 ? file + ":" + route.getLineNumber() : file;
    }

    /** A route's file as the user would name it: relative to the working directory when under it. */
    static String file(String location, String fallback) {
        if (location == null) {
            return fallback;
        }
        String path = location.replaceFirst("^(file|classpath):", "");
        try {
            Path p = Path.of(path).toAbsolutePath().normalize();
            Path cwd = Path.of("").toAbsolutePath();
            return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
        } catch (RuntimeException e) {
            return path;
        }
    }

    private static String direct(String uri) {
        String name = uri.substring("direct:".length());
        if (name.startsWith("//")) {
            name = name.substring(2);
        }
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }

    /** " (did you mean build-cli?)" for the closest known name within a third of the name's length, else "". */
    static String didYouMean(String name, java.util.Collection<String> known) {
        return known.stream().min(Comparator.comparingInt(k -> distance(name, k)))
                .filter(k -> distance(name, k) <= Math.max(2, name.length() / 3))
                .map(k -> " (did you mean " + k + "?)").orElse("");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
