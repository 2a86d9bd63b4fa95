package io.stellarelease.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.config.ReleaseConfig;

import java.util.List;

import static io.stellarelease.dispatch.MessageText.show;

/**
 * Reads and writes dispatch messages: the "Run workflow" forms of the suite release, the module publish and the
 * rollback, as JSON or YAML. One flat object whose field names are the workflow inputs:
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
 * </ul>
 *
 * The jobs are split: {@link MessageReader} (size, format, JSON/YAML to fields), {@link MessageFields} (a field's
 * type and length), {@link SuiteMessage}, {@link ModuleMessage} and {@link RollbackMessage} (each form's rules and
 * its written form), {@link MessageText} (values quoted in rejections). Every rejection is a
 * {@link DispatchException} naming the field, the rule and the value (values cut at {@value #MAX_VALUE_CHARS}
 * characters, the body never echoed).
 */
public final class DispatchMessages {

    /** A dispatch message is a few hundred bytes; anything this big is not one. */
    public static final int MAX_BODY_BYTES = MessageReader.MAX_BODY_BYTES;
    /** Longest accepted text field, and longest value echoed in a message. */
    public static final int MAX_VALUE_CHARS = MessageText.MAX_VALUE_CHARS;
    public static final List<String> SUITE_FIELDS = List.of("kind", "version", "codename", "channel", "skipTests", "dryRun");
    public static final List<String> MODULE_FIELDS = List.of("kind", "module", "version", "publishNuget", "publishContainer", "dryRun");
    public static final List<String> ROLLBACK_FIELDS = List.of("kind", "target", "module", "version", "mode", "revision", "dryRun");

    static final String MESSAGE = "dispatch message";

    private final MessageReader reader = new MessageReader();
    private final SuiteMessage suite;
    private final ModuleMessage module;
    private final RollbackMessage rollback;
    private final ObjectMapper writer = new ObjectMapper();

    public DispatchMessages(ReleaseConfig config) {
        this.suite = new SuiteMessage(config);
        this.module = new ModuleMessage(config);
        this.rollback = new RollbackMessage(config);
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
        MessageFields fields = reader.read(body, formatHint);
        String kind = kindOf(fields);
        List<String> allowed = kind.equals(ModuleDispatch.KIND) ? MODULE_FIELDS
                : kind.equals(RollbackDispatch.KIND) ? ROLLBACK_FIELDS : SUITE_FIELDS;
        for (String name : fields.names()) {
            if (!allowed.contains(name)) {
                throw new DispatchException(MESSAGE, "unknown field '" + show(name) + "' (fields: " + String.join(", ", allowed) + ")");
            }
        }
        return switch (kind) {
            case RollbackDispatch.KIND -> rollback.read(fields);
            case ModuleDispatch.KIND -> module.read(fields);
            default -> suite.read(fields);
        };
    }

    /** The message as JSON, every field written (defaults too), so that {@code parse(write(x), null)} gives x back. */
    public byte[] write(DispatchRequest request) {
        ObjectNode node = writer.createObjectNode();
        node.put("kind", request.kind());
        if (request instanceof SuiteDispatch s) {
            SuiteMessage.write(s, node);
        } else if (request instanceof ModuleDispatch m) {
            ModuleMessage.write(m, node);
        } else if (request instanceof RollbackDispatch r) {
            RollbackMessage.write(r, node);
        }
        try {
            return writer.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write dispatch message: " + e.getOriginalMessage(), e);
        }
    }

    private static String kindOf(MessageFields fields) {
        String kind = fields.text("kind");
        if (kind == null) {
            return fields.has("module") ? ModuleDispatch.KIND : SuiteDispatch.KIND;
        }
        if (!kind.equals(SuiteDispatch.KIND) && !kind.equals(ModuleDispatch.KIND) && !kind.equals(RollbackDispatch.KIND)) {
            throw new DispatchException(MESSAGE, "kind must be suite, module or rollback: got " + fields.describe("kind"));
        }
        return kind;
    }
}
