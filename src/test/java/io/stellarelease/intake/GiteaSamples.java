package io.stellarelease.intake;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Real Gitea webhook bodies, kept in the repository as test resources (src/test/resources/gitea/webhooks, whose
 * README.md says where they come from). Missing samples fail the tests: testing against hand-made bodies only
 * would prove nothing about what Gitea sends.
 */
final class GiteaSamples {
    static final String CREATE_TAG = "gitea-create-tag.json";
    static final String PUSH_BRANCH = "gitea-push-branch.json";

    private static final JsonMapper JSON = new JsonMapper();

    private GiteaSamples() {
    }

    /** The sample's bytes exactly as stored, for signatures. */
    static byte[] raw(String name) {
        String resource = "/gitea/webhooks/" + name;
        try (InputStream in = GiteaSamples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("Gitea webhook sample missing from the test classpath: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(String name) {
        try {
            return (ObjectNode) JSON.readTree(raw(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gitea's create event for {@code tag}: the sample, whose ref is v1.0.0, with the ref replaced. */
    static ObjectNode createTag(String tag) {
        ObjectNode body = tree(CREATE_TAG);
        if (!"v1.0.0".equals(body.path("ref").asText()) || !"tag".equals(body.path("ref_type").asText())) {
            throw new AssertionError("the Gitea create sample changed: expected ref v1.0.0, ref_type tag");
        }
        body.put("ref", tag);
        return body;
    }

    /** Gitea's push event for {@code tag}: the branch push sample, its ref moved to refs/tags/{tag}. */
    static ObjectNode pushTag(String tag) {
        ObjectNode body = tree(PUSH_BRANCH);
        if (!"refs/heads/main".equals(body.path("ref").asText())) {
            throw new AssertionError("the Gitea push sample changed: expected ref refs/heads/main");
        }
        body.put("ref", "refs/tags/" + tag);
        return body;
    }
}
