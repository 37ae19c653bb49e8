package dev.baton.openapi.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ServerConfig;
import dev.baton.http.Problem;
import dev.baton.http.Status;
import java.util.Map;
import java.util.TreeMap;

/**
 * The problem+json answers the server gives by itself, as reusable responses
 * ({@code #/components/responses/BadRequest}...), each saying when it is sent. Only those some
 * operation refers to are written.
 */
final class Problems {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ServerConfig config;
    private final Map<String, ObjectNode> used = new TreeMap<>();

    Problems(ServerConfig config) {
        this.config = config;
    }

    /** A reference to the response of {@code status}, which is then written with the document. */
    ObjectNode ref(int status) {
        String name = name(status);
        used.computeIfAbsent(name, n -> response(status));
        return NODES.objectNode().put("$ref", "#/components/responses/" + name);
    }

    Map<String, ObjectNode> used() {
        return used;
    }

    private ObjectNode response(int status) {
        ObjectNode r = NODES.objectNode().put("description", Status.reason(status) + ": " + when(status));
        if (status == 503) {
            r.putObject("headers").putObject("Retry-After").put("description", "seconds to wait before trying again")
                    .putObject("schema").put("type", "integer").put("minimum", 0);
        }
        r.putObject("content").putObject(Problem.CONTENT_TYPE).set("schema", Schemas.problemRef());
        return r;
    }

    private String when(int status) {
        String when = switch (status) {
            case 400 -> "a parameter or the body is missing or malformed; the detail names which and why";
            case 404 -> "no such resource";
            case 413 -> "the body is larger than " + config.maxBodySize() + " bytes";
            case 415 -> "the body is not JSON (application/json), or its charset is unknown";
            case 500 -> "an unexpected error (its stack trace goes to the server's log, never to the client)";
            case 503 -> "the server is overloaded (its worker queue or in-flight limit is full) or shutting down; "
                    + "try again after Retry-After";
            default -> null;
        };
        if (status != config.timeoutStatus()) {
            return when != null ? when : "the server's answer";
        }
        String timedOut = "the request timed out (the route's timeout, else requestTimeout: "
                + config.requestTimeout().toMillis() + " ms)";
        return when == null ? timedOut : when + "; or " + timedOut;
    }

    /** {@code BadRequest}, {@code GatewayTimeout}: the reason phrase as a name. */
    private static String name(int status) {
        String name = Status.reason(status).replaceAll("[^A-Za-z0-9]", "");
        return name.isEmpty() ? "Status" + status : name;
    }
}
