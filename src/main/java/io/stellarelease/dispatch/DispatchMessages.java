package io.stellarelease.dispatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SuiteTagParser;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.stages.ModuleVersions;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes dispatch messages: the "Run workflow" forms of the suite release and the module publish,
 * as JSON or YAML. One flat object whose field names are the workflow inputs:
 *
 * <pre>
 * {"kind": "suite", "version": "2026.04", "codename": "Nova", "channel": "lts", "skipTests": false, "dryRun": false}
 * {"kind": "module", "module": "Authority", "version": "1.2.3", "publishNuget": true, "publishContainer": true, "dryRun": false}
 * </pre>
 *
 * <ul>
 *   <li>{@code kind} may be left out: a message with a {@code module} field is a module publish, any other a suite release.</li>
 *   <li>Defaults: channel edge; skipTests, dryRun false; publishNuget, publishContainer true. A text field that is
 *       null or blank counts as left out; a boolean must be {@code true}/{@code false} (a JSON or YAML boolean, or
 *       the string a form sends), so an empty {@code dryRun:} never means a real release.</li>
 *   <li>An unknown field is an error, so a typo ({@code skiptests}) is never silently ignored.</li>
 *   <li>Scalars are read as the text written in the message, never through a number: unquoted
 *       {@code version: 2026.10} in YAML is {@code "2026.10"}, not 2026.1.</li>
 *   <li>YAML is read with Jackson's streaming parser (events only, nothing constructed); aliases and explicit tags
 *       other than {@code !!str} are refused.</li>
 *   <li>A suite message is checked by building its tag and running {@link SuiteTagParser} on it, so months,
 *       codenames, the lts month and hotfixes follow exactly the tag rules; a module must be configured
 *       (case-insensitive, normalised to the configured spelling) and its version SemVer.</li>
 * </ul>
 *
 * Every rejection is a {@link DispatchException} naming the field, the rule and the value (values cut at
 * {@value #MAX_VALUE_CHARS} characters, the body never echoed).
 */
public final class DispatchMessages {

    /** A dispatch message is a few hundred bytes; anything this big is not one. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Longest accepted text field, and longest value echoed in a message. */
    public static final int MAX_VALUE_CHARS = 64;
    public static final List<String> SUITE_FIELDS = List.of("kind", "version", "codename", "channel", "skipTests", "dryRun");
    public static final List<String> MODULE_FIELDS = List.of("kind", "module", "version", "publishNuget", "publishContainer", "dryRun");
    public static final List<String> ROLLBACK_FIELDS = List.of("kind", "target", "module", "version", "mode", "revision", "dryRun");

    static final String MESSAGE = "dispatch message";
    private static final String EDGE = "edge";
    private static final int MAX_REASON_CHARS = 160;
    // Same shape SuiteTagParser accepts; checked before a tag is built so that no field can add tag parts.
    private static final Pattern SUITE_VERSION = Pattern.compile("\\d{4}\\.\\d{2}(\\.\\d+)?");
    private static final Pattern CODENAME = Pattern.compile("[A-Za-z]+");
    // Words SuiteTagParser reads as a channel suffix where a codename would stand.
    private static final Set<String> TAG_CHANNEL_WORDS = Set.of("stable", "lts");
    private static final Set<String> YAML_BOOLEANS = Set.of("true", "True", "TRUE", "false", "False", "FALSE");
    private static final String YAML_STR_TAG = "tag:yaml.org,2002:str";
    private static final Pattern YAML_MARK = Pattern.compile("line (\\d+), column (\\d+)");

    enum Format {
        JSON("JSON"), YAML("YAML");

        final String label;

        Format(String label) {
            this.label = label;
        }
    }

    private enum Type { STRING, NUMBER, BOOLEAN, NULL, OBJECT, ARRAY }

    /** A field's value as written: its kind and its text. */
    private record Value(Type type, String text) { }

    private final ReleaseConfig config;
    private final SuiteTagParser tags;
    private final JsonFactory json;
    private final YAMLFactory yaml;
    private final ObjectMapper writer = new ObjectMapper();

    public DispatchMessages(ReleaseConfig config) {
        this.config = config;
        this.tags = new SuiteTagParser(config);
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxStringLength(MAX_BODY_BYTES)
                .maxNumberLength(MAX_BODY_BYTES)
                .build();
        this.json = JsonFactory.builder().streamReadConstraints(constraints).build();
        // An empty value (`dryRun:`) is null, as with new YAMLFactory(); the builder leaves that feature off.
        this.yaml = YAMLFactory.builder().streamReadConstraints(constraints)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                .build();
    }

    /**
     * Reads one dispatch message.
     *
     * @param body       the message bytes (UTF-8)
     * @param formatHint a file name ({@code x.json}, {@code x.yaml}, {@code x.yml}), a content type
     *                   ({@code application/json}, {@code application/yaml}, {@code application/x-yaml},
     *                   {@code text/yaml}, parameters allowed), or null to sniff: JSON when the first
     *                   non-blank character is <code>{</code>, YAML otherwise
     * @throws DispatchException when the message is malformed or breaks a release rule
     */
    public DispatchRequest parse(byte[] body, String formatHint) {
        if (body == null || firstNonBlank(body) < 0) {
            throw new DispatchException(MESSAGE, "empty body");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new DispatchException(MESSAGE, "body too large: " + body.length + " bytes (a dispatch message is at most "
                    + MAX_BODY_BYTES + ")");
        }
        Format format = formatOf(formatHint, body);
        Map<String, Value> fields = readFields(body, format);

        String kind = kindOf(fields);
        List<String> allowed = kind.equals(ModuleDispatch.KIND) ? MODULE_FIELDS
                : kind.equals(RollbackDispatch.KIND) ? ROLLBACK_FIELDS : SUITE_FIELDS;
        for (String name : fields.keySet()) {
            if (!allowed.contains(name)) {
                throw new DispatchException(MESSAGE, "unknown field '" + show(name) + "' (fields: " + String.join(", ", allowed) + ")");
            }
        }
        if (kind.equals(RollbackDispatch.KIND)) {
            return rollback(fields);
        }
        return kind.equals(ModuleDispatch.KIND) ? module(fields) : suite(fields);
    }

    /** The message as JSON, every field written (defaults too), so that {@code parse(write(x), null)} gives x back. */
    public byte[] write(DispatchRequest request) {
        ObjectNode node = writer.createObjectNode();
        node.put("kind", request.kind());
        if (request instanceof SuiteDispatch s) {
            node.put("version", s.version());
            if (s.codename() != null) {
                node.put("codename", s.codename());
            }
            node.put("channel", s.channel() != null ? s.channel() : EDGE);
            node.put("skipTests", s.skipTests());
            node.put("dryRun", s.dryRun());
        } else if (request instanceof ModuleDispatch m) {
            node.put("module", m.module());
            node.put("version", m.version());
            node.put("publishNuget", m.publishNuget());
            node.put("publishContainer", m.publishContainer());
            node.put("dryRun", m.dryRun());
        } else if (request instanceof RollbackDispatch r) {
            node.put("target", r.target());
            if (r.module() != null) {
                node.put("module", r.module());
            }
            if (r.version() != null) {
                node.put("version", r.version());
            }
            node.put("mode", r.mode());
            if (r.revision() != null) {
                node.put("revision", r.revision());
            }
            node.put("dryRun", r.dryRun());
        }
        try {
            return writer.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write dispatch message: " + e.getOriginalMessage(), e);
        }
    }

    // ---- suite -------------------------------------------------------------------------------------------

    private SuiteDispatch suite(Map<String, Value> fields) {
        String version = text(fields, "version");
        String codename = text(fields, "codename");
        String channel = text(fields, "channel");
        boolean skipTests = bool(fields, "skipTests", false);
        boolean dryRun = bool(fields, "dryRun", false);
        channel = channel == null ? EDGE : configuredChannel(channel);
        if (version == null) {
            throw new DispatchException(MESSAGE, "version is required, e.g. \"2026.04\"");
        }

        String subject = "dispatch suite " + show(version);
        Matcher m = SUITE_VERSION.matcher(version);
        if (!m.matches()) {
            throw new DispatchException(subject, "suite version must be YYYY.MM or YYYY.MM.N: got '" + show(version) + "'");
        }
        boolean hotfix = m.group(1) != null;
        if (codename != null && !CODENAME.matcher(codename).matches()) {
            throw new DispatchException(subject, "codename must be a single word of letters: got '" + show(codename) + "'");
        }
        boolean channelWord = codename != null && TAG_CHANNEL_WORDS.contains(codename.toLowerCase(Locale.ROOT));
        if ((codename == null && !hotfix) || channelWord) {
            // A tag cannot say this (suite-2026.04-lts reads as channel lts): check the version, month and channel
            // with a tag that needs no codename, then report the codename.
            String probeVersion = hotfix ? version : version + ".1";
            SuiteVersion probe = parseTag(subject, new SuiteDispatch(probeVersion, null, channel, false, false).tag());
            if (codename == null) {
                throw new DispatchException(subject, "codename is required for suite " + version + ": expected " + probe.codename());
            }
            throw new DispatchException(subject, "codename for " + probe.baseVersion() + " must be " + probe.codename()
                    + ": got '" + codename + "'");
        }

        // The tag with the codename as written (tags are case-insensitive), so that a rejection quotes it as sent.
        String tag = "suite-" + version + (codename != null ? "-" + codename : "") + (channel.equals(EDGE) ? "" : "-" + channel);
        SuiteVersion suite = parseTag(subject, tag);
        if (!suite.version().equals(version) || !suite.channel().equals(channel)
                || (codename != null && !suite.codename().equalsIgnoreCase(codename))) {
            throw new DispatchException(subject, "tag " + tag + " does not carry this message (version " + version
                    + ", codename " + codename + ", channel " + channel + ")");
        }
        return new SuiteDispatch(suite.version(), suite.codename(), suite.channel(), skipTests, dryRun);
    }

    private SuiteVersion parseTag(String subject, String tag) {
        try {
            return tags.parse(tag);
        } catch (ReleaseRuleException e) {
            throw new DispatchException(subject, e.rule(), e);
        }
    }

    private String configuredChannel(String channel) {
        return config.channels().keySet().stream()
                .filter(name -> name.equalsIgnoreCase(channel))
                .findFirst()
                .orElseThrow(() -> new DispatchException(MESSAGE, "channel must be one of "
                        + String.join(", ", config.channels().keySet()) + ": got '" + show(channel) + "'"));
    }

    // ---- module ------------------------------------------------------------------------------------------

    private ModuleDispatch module(Map<String, Value> fields) {
        String module = text(fields, "module");
        String version = text(fields, "version");
        boolean publishNuget = bool(fields, "publishNuget", true);
        boolean publishContainer = bool(fields, "publishContainer", true);
        boolean dryRun = bool(fields, "dryRun", false);
        if (module == null) {
            throw new DispatchException(MESSAGE, "module is required: one of " + moduleNames());
        }
        if (version == null) {
            throw new DispatchException(MESSAGE, "version is required, e.g. \"1.2.3\"");
        }

        Optional<ReleaseConfig.Module> configured = config.module(module);
        if (configured.isEmpty()) {
            throw new DispatchException("dispatch module " + show(module) + " " + show(version),
                    "module must be one of " + moduleNames() + ": got '" + show(module) + "'");
        }
        String name = configured.get().name();
        if (!ModuleVersions.isSemVer(version)) {
            throw new DispatchException("dispatch module " + name + " " + show(version),
                    "version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got '" + show(version) + "'");
        }
        return new ModuleDispatch(name, version, publishNuget, publishContainer, dryRun);
    }

    // ---- rollback ----------------------------------------------------------------------------------------

    /** The message's shape only: what can be rolled back, and to what, is checked against the history on intake. */
    private RollbackDispatch rollback(Map<String, Value> fields) {
        String target = text(fields, "target");
        String module = text(fields, "module");
        String version = text(fields, "version");
        String mode = text(fields, "mode");
        String revision = text(fields, "revision");
        if (target == null) {
            target = module != null ? "module" : "suite";
        }
        if (!target.equals("module") && !target.equals("suite")) {
            throw new DispatchException(MESSAGE, "target must be module or suite: got '" + show(target) + "'");
        }
        if (target.equals("module")) {
            if (module == null) {
                throw new DispatchException(MESSAGE, "module is required for a module rollback: one of " + moduleNames());
            }
            module = config.module(module).map(ReleaseConfig.Module::name).orElseThrow(() -> new DispatchException(MESSAGE,
                    "module must be one of " + moduleNames() + ": got '" + show(text(fields, "module")) + "'"));
        }
        if (mode == null) {
            mode = "containers";
        }
        if (!mode.equals("containers") && !mode.equals("helm") && !mode.equals("database")) {
            throw new DispatchException(MESSAGE, "mode must be containers, helm or database: got '" + show(mode) + "'");
        }
        if (version != null && !ModuleVersions.isSemVer(version) && !version.matches("\\d{4}\\.\\d{2}(\\.[1-9]\\d*)?")) {
            throw new DispatchException(MESSAGE, "version must be a module's SemVer or a suite version: got '" + show(version) + "'");
        }
        if (revision != null && !revision.matches("\\d{1,9}")) {
            throw new DispatchException(MESSAGE, "revision must be a Helm revision number: got '" + show(revision) + "'");
        }
        return new RollbackDispatch(target, module, version, mode, revision == null ? null : Integer.valueOf(revision),
                bool(fields, "dryRun", false));
    }

    private String moduleNames() {
        return config.modules().items().stream().map(ReleaseConfig.Module::name).collect(Collectors.joining(", "));
    }

    // ---- fields ------------------------------------------------------------------------------------------

    private static String kindOf(Map<String, Value> fields) {
        String kind = text(fields, "kind");
        if (kind == null) {
            return fields.containsKey("module") ? ModuleDispatch.KIND : SuiteDispatch.KIND;
        }
        if (!kind.equals(SuiteDispatch.KIND) && !kind.equals(ModuleDispatch.KIND) && !kind.equals(RollbackDispatch.KIND)) {
            throw new DispatchException(MESSAGE, "kind must be suite, module or rollback: got " + describe(fields.get("kind")));
        }
        return kind;
    }

    /** A text field as written (a YAML or JSON number keeps its written form); null when absent, null or blank. */
    private static String text(Map<String, Value> fields, String name) {
        Value v = fields.get(name);
        if (v == null || v.type() == Type.NULL) {
            return null;
        }
        if (v.type() == Type.OBJECT || v.type() == Type.ARRAY) {
            throw new DispatchException(MESSAGE, name + " must be a string: got " + describe(v));
        }
        if (v.text().isBlank()) {
            return null;
        }
        int length = v.text().codePointCount(0, v.text().length());
        if (length > MAX_VALUE_CHARS) {
            throw new DispatchException(MESSAGE, name + " must be at most " + MAX_VALUE_CHARS + " characters: got "
                    + length + " characters");
        }
        return v.text();
    }

    private static boolean bool(Map<String, Value> fields, String name, boolean defaultValue) {
        Value v = fields.get(name);
        if (v == null) {
            return defaultValue;
        }
        boolean real = v.type() == Type.BOOLEAN && YAML_BOOLEANS.contains(v.text());
        boolean form = v.type() == Type.STRING && (v.text().equals("true") || v.text().equals("false"));
        if (!real && !form) {
            throw new DispatchException(MESSAGE, name + " must be true or false: got " + describe(v));
        }
        return v.text().equalsIgnoreCase("true");
    }

    private static String describe(Value v) {
        return switch (v.type()) {
            case STRING -> "'" + show(v.text()) + "'";
            case NUMBER, BOOLEAN -> show(v.text());
            case NULL -> "null";
            case OBJECT -> "an object";
            case ARRAY -> "a list";
        };
    }

    // ---- reading -----------------------------------------------------------------------------------------

    static Format formatOf(String hint, byte[] body) {
        if (hint == null || hint.isBlank()) {
            int first = firstNonBlank(body);
            return first >= 0 && body[first] == '{' ? Format.JSON : Format.YAML;
        }
        String h = hint.strip().toLowerCase(Locale.ROOT);
        int semicolon = h.indexOf(';');
        String type = (semicolon >= 0 ? h.substring(0, semicolon) : h).strip();
        switch (type) {
            case "application/json":
                return Format.JSON;
            case "application/yaml", "application/x-yaml", "text/yaml":
                return Format.YAML;
            default:
                break;
        }
        if (h.endsWith(".json")) {
            return Format.JSON;
        }
        if (h.endsWith(".yaml") || h.endsWith(".yml")) {
            return Format.YAML;
        }
        throw new DispatchException(MESSAGE, "unsupported format '" + show(hint) + "': use a .json, .yaml or .yml file, "
                + "or the content type application/json, application/yaml, application/x-yaml or text/yaml");
    }

    /** Index of the first byte that is not a UTF-8 byte order mark or white space, or -1. */
    private static int firstNonBlank(byte[] body) {
        int i = body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf ? 3 : 0;
        for (; i < body.length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The message's fields in order, each scalar as its written text; nested values are only noted. */
    private Map<String, Value> readFields(byte[] body, Format format) {
        try (JsonParser p = (format == Format.JSON ? json : yaml).createParser(body)) {
            JsonToken token = p.nextToken();
            if (token == null) {
                throw new DispatchException(MESSAGE, format.label + " message has no content");
            }
            checkYamlNode(p, null);
            if (token != JsonToken.START_OBJECT) {
                throw new DispatchException(MESSAGE, format.label + " message must be "
                        + (format == Format.JSON ? "an object" : "a mapping") + " of fields: got " + describe(valueOf(p, token)));
            }
            Map<String, Value> fields = new LinkedHashMap<>();
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken valueToken = p.nextToken();
                checkYamlNode(p, name);
                Value value = valueOf(p, valueToken);
                if (valueToken == JsonToken.START_OBJECT || valueToken == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
                if (fields.put(name, value) != null) {
                    throw new DispatchException(MESSAGE, "duplicate field '" + show(name) + "'");
                }
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new DispatchException(MESSAGE, format == Format.JSON
                        ? "unexpected content after the JSON object at line " + at.getLineNr() + ", column " + at.getColumnNr()
                        : "YAML message must be a single document: another one starts at line " + at.getLineNr());
            }
            return fields;
        } catch (DispatchException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new DispatchException(MESSAGE, "malformed " + format.label + reason(e, format), e);
        } catch (IOException | RuntimeException e) {
            throw new DispatchException(MESSAGE, "malformed " + format.label + ": " + cut(clean(String.valueOf(e.getMessage()))), e);
        }
    }

    private static Value valueOf(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> new Value(Type.STRING, p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Value(Type.NUMBER, p.getText()); // the text as written
            case VALUE_TRUE, VALUE_FALSE -> new Value(Type.BOOLEAN, p.getText());
            case VALUE_NULL -> new Value(Type.NULL, "");
            case START_OBJECT -> new Value(Type.OBJECT, "");
            case START_ARRAY -> new Value(Type.ARRAY, "");
            default -> new Value(Type.STRING, String.valueOf(p.getText()));
        };
    }

    /** YAML only: an alias would stand for another node, a tag for a type; a dispatch message needs neither. */
    private static void checkYamlNode(JsonParser p, String field) throws IOException {
        if (!(p instanceof YAMLParser y)) {
            return;
        }
        String where = field == null ? "" : " (field '" + show(field) + "')";
        if (y.isCurrentAlias()) {
            throw new DispatchException(MESSAGE, "YAML aliases are not allowed: got *" + show(y.getText()) + where);
        }
        String tag = y.getTypeId();
        if (tag != null && !tag.equals(YAML_STR_TAG)) {
            String shown = tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring("tag:yaml.org,2002:".length()) : "!" + tag;
            throw new DispatchException(MESSAGE, "YAML tags are not allowed: got '" + show(shown) + "'" + where);
        }
    }

    /** " at line L, column C: short reason", without the parser's echo of the input. */
    private static String reason(JsonProcessingException e, Format format) {
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        String text;
        long line = -1;
        long column = -1;
        if (format == Format.YAML) {
            // SnakeYAML: "context\n in 'reader', line 1, column 1:\n    snippet\n    ^\nproblem\n in 'reader', line ..."
            text = original.lines()
                    .filter(l -> !l.isBlank() && !l.startsWith(" in ") && !l.startsWith("in ") && !l.startsWith("    "))
                    .collect(Collectors.joining(": "));
            Matcher mark = YAML_MARK.matcher(original);
            while (mark.find()) {
                line = Long.parseLong(mark.group(1));
                column = Long.parseLong(mark.group(2));
            }
        } else {
            text = original.lines().findFirst().orElse("");
        }
        if (line < 0 && e.getLocation() != null) {
            line = e.getLocation().getLineNr();
            column = e.getLocation().getColumnNr();
        }
        text = text.replaceFirst("^(?:[a-z]\\w*\\.)+[A-Z]\\w*: ", "")
                .replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]", "line $1, column $2")
                .replaceAll(", from `[^`]*`", "")
                .replaceAll(" \\(at char #\\d+, byte #-?\\d+\\)", "");
        String at = line > 0 ? " at line " + line + (column > 0 ? ", column " + column : "") : "";
        return at + ": " + cut(clean(text.isBlank() ? e.getClass().getSimpleName() : text));
    }

    /** A value for a message: control characters replaced, cut at {@value #MAX_VALUE_CHARS} characters. */
    static String show(String value) {
        if (value == null) {
            return "null";
        }
        int length = value.codePointCount(0, value.length());
        if (length <= MAX_VALUE_CHARS) {
            return clean(value);
        }
        return clean(value.substring(0, value.offsetByCodePoints(0, MAX_VALUE_CHARS))) + "... (" + length + " characters)";
    }

    private static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 4 * MAX_REASON_CHARS));
        s.codePoints().limit(4L * MAX_REASON_CHARS).forEach(cp -> {
            int type = Character.getType(cp);
            boolean hidden = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
            b.appendCodePoint(hidden ? '?' : cp);
        });
        return b.toString();
    }

    private static String cut(String s) {
        return s.codePointCount(0, s.length()) <= MAX_REASON_CHARS ? s
                : s.substring(0, s.offsetByCodePoints(0, MAX_REASON_CHARS)) + "...";
    }
}
