package io.stellarelease.dispatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.stellarelease.dispatch.MessageFields.Type;
import io.stellarelease.dispatch.MessageFields.Value;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.stellarelease.dispatch.DispatchMessages.MESSAGE;
import static io.stellarelease.dispatch.MessageFields.describe;
import static io.stellarelease.dispatch.MessageText.clean;
import static io.stellarelease.dispatch.MessageText.cut;
import static io.stellarelease.dispatch.MessageText.show;

/**
 * A message's bytes to its fields: the size limit, the format (from a hint or sniffed), and a streaming read of one
 * flat JSON object or YAML mapping. YAML is read with Jackson's streaming parser (events only, nothing constructed);
 * aliases and explicit tags other than {@code !!str} are refused. Scalars keep the text written, never a number's value.
 */
final class MessageReader {

    /** A dispatch message is a few hundred bytes; anything this big is not one. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String YAML_STR_TAG = "tag:yaml.org,2002:str";
    private static final Pattern YAML_MARK = Pattern.compile("line (\\d+), column (\\d+)");

    enum Format {
        JSON("JSON"), YAML("YAML");

        final String label;

        Format(String label) {
            this.label = label;
        }
    }

    private final JsonFactory json;
    private final YAMLFactory yaml;

    MessageReader() {
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

    /** The message's fields in order; a rejection for an empty, oversized, malformed or non-flat message. */
    MessageFields read(byte[] body, String formatHint) {
        if (body == null || firstNonBlank(body) < 0) {
            throw new DispatchException(MESSAGE, "empty body");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new DispatchException(MESSAGE, "body too large: " + body.length + " bytes (a dispatch message is at most "
                    + MAX_BODY_BYTES + ")");
        }
        return new MessageFields(readFields(body, formatOf(formatHint, body)));
    }

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
}
