package dev.baton.operations.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.Problem;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the client reads from one status document: Baton's operation resource, or the status
 * monitor of a service that follows the Microsoft REST API guidelines. Only the members the
 * client acts on are kept; every one of them is optional.
 *
 * @param id               the {@code id} member, or null
 * @param state            the {@code status} member, parsed leniently
 * @param percentComplete  0..100, or -1 when absent
 * @param message          the {@code message} member, or null
 * @param result           the {@code result} member, or null when absent
 * @param error            the {@code error} member, or null when absent
 * @param resourceLocation where the result lives when there is no {@code result} member, or null
 */
record OperationResource(String id, OperationState state, int percentComplete, String message, JsonNode result,
                         JsonNode error, String resourceLocation) {

    private static final Set<String> PROBLEM_MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    /** The document in {@code json}, or null when it is no JSON object with a {@code status} member. */
    static OperationResource parse(ObjectMapper mapper, byte[] json) {
        try {
            return json.length == 0 ? null : of(mapper.readTree(json));
        } catch (IOException e) {
            return null; // not JSON: not a status document (the caller decides what that means)
        }
    }

    /** The document {@code node}, or null when it is no JSON object with a {@code status} member. */
    static OperationResource of(JsonNode node) {
        if (node == null || !node.isObject() || !node.hasNonNull("status")) {
            return null;
        }
        JsonNode pc = node.get("percentComplete");
        int percent = pc != null && pc.isNumber() ? (int) Math.max(0, Math.min(100, Math.floor(pc.asDouble()))) : -1;
        return new OperationResource(text(node, "id"), OperationState.parse(node.get("status").asText()), percent,
                text(node, "message"), node.get("result"), node.get("error"), text(node, "resourceLocation"));
    }

    /** A succeeded operation whose result is {@code body} (a status URL that answered with the resource itself). */
    static OperationResource succeededWith(JsonNode body) {
        return new OperationResource(null, OperationState.SUCCEEDED, 100, null, body, null, null);
    }

    /** The progress a caller sees; {@code fallbackId} when the document names no id. */
    OperationProgress toProgress(String fallbackId) {
        int percent = percentComplete >= 0 ? percentComplete : state == OperationState.SUCCEEDED ? 100 : 0;
        return new OperationProgress(id != null ? id : fallbackId, state, percent, message);
    }

    /**
     * The {@code error} member as a problem. Baton writes RFC 9457 problems; the guidelines write
     * {@code {"code": ..., "message": ...}}, whose code becomes the title and message the detail
     * (both kept as extensions too, so that nothing the service said is lost).
     */
    Problem problem(ObjectMapper mapper, String operationId, String instance) {
        if (error == null || error.isNull()) {
            return new Problem("about:blank", null, 0, "operation " + operationId + " ended "
                    + state.name().toLowerCase(java.util.Locale.ROOT) + " and gave no error", instance, Map.of());
        }
        if (!error.isObject()) {
            return new Problem("about:blank", null, 0, error.asText(), instance, Map.of());
        }
        Map<String, Object> extensions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : error.properties()) {
            if (!PROBLEM_MEMBERS.contains(member.getKey())) {
                extensions.put(member.getKey(), mapper.convertValue(member.getValue(), Object.class));
            }
        }
        JsonNode status = error.get("status");
        String title = text(error, "title");
        String detail = text(error, "detail");
        return new Problem(text(error, "type") != null ? text(error, "type") : "about:blank",
                title != null ? title : text(error, "code"),
                status != null && status.canConvertToInt() ? status.asInt() : 0,
                detail != null ? detail : text(error, "message"),
                text(error, "instance") != null ? text(error, "instance") : instance, extensions);
    }

    private static String text(JsonNode node, String member) {
        JsonNode v = node.get(member);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }
}
