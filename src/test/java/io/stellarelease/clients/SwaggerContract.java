package io.stellarelease.clients;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;

import java.net.URL;
import java.util.List;
import java.util.Map;

/**
 * Gitea's API description, the test resource {@code gitea/swagger.v1.json} (Swagger 2.0), as a request validator:
 * path template and method, path and query parameters and their types, required parameters, the JSON body against
 * its schema, security. Atlassian's swagger-request-validator does the work; it is loaded once per JVM since parsing
 * the 870 kB description takes seconds.
 */
final class SwaggerContract {

    private static volatile OpenApiInteractionValidator validator;

    /** A copy kept in the repository (src/test/resources/gitea, whose README.md says where it comes from). */
    static final String SWAGGER = "/gitea/swagger.v1.json";

    static OpenApiInteractionValidator validator() {
        if (validator == null) {
            synchronized (SwaggerContract.class) {
                if (validator == null) {
                    URL swagger = SwaggerContract.class.getResource(SWAGGER);
                    if (swagger == null) {
                        throw new AssertionError("Gitea's API description is missing from the test classpath: " + SWAGGER);
                    }
                    validator = OpenApiInteractionValidator.createForSpecificationUrl(swagger.toString()).build();
                }
            }
        }
        return validator;
    }

    /** The contract violations of one request; empty when it conforms. */
    static List<String> check(String method, String path, Map<String, List<String>> query,
                              Map<String, List<String>> headers, byte[] body) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, path);
        headers.forEach(request::withHeader);
        query.forEach(request::withQueryParam);
        if (body != null && body.length > 0) {
            request.withBody(body);
        }
        ValidationReport report = validator().validateRequest(request.build());
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> method + " " + path + ": " + m.getKey() + ": " + m.getMessage())
                .toList();
    }
}
