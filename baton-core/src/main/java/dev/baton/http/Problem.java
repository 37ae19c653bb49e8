package dev.baton.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An RFC 9457 problem details body, sent as {@code application/problem+json}.
 *
 * <pre>{@code return Problem.of(409, "gizmo already exists").toResponse();}</pre>
 *
 * @param type       a URI naming the problem type; {@code about:blank} when the status says it all
 * @param title      the status's reason phrase, or a short summary of the type
 * @param status     the HTTP status
 * @param detail     what went wrong with this request, for a person
 * @param instance   the request path
 * @param extensions extra members, written beside the standard ones
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      @com.fasterxml.jackson.annotation.JsonAnyGetter Map<String, Object> extensions) {

    public static final String CONTENT_TYPE = "application/problem+json";

    private static final java.util.Set<String> MEMBERS = java.util.Set.of("type", "title", "status", "detail", "instance");

    /** @throws IllegalArgumentException if an extension is named as a standard member (JSON would hold it twice) */
    public Problem {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
        for (String name : extensions.keySet()) {
            if (MEMBERS.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is a standard problem member, not an extension");
            }
        }
    }

    public static Problem of(int status, String detail) {
        return new Problem("about:blank", Status.reason(status), status, detail, null, Map.of());
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, extensions);
    }

    /**
     * This problem for a response of {@code status}. For {@code about:blank}, whose title is the
     * status's phrase (RFC 9457 4.2.1), the title follows; a problem type's own title stays.
     */
    public Problem withStatus(int newStatus) {
        if (newStatus == status) {
            return this;
        }
        boolean blank = type == null || type.equals("about:blank");
        String newTitle = blank && java.util.Objects.equals(title, Status.reason(status)) ? Status.reason(newStatus) : title;
        return new Problem(type, newTitle, newStatus, detail, instance, extensions);
    }

    /** @throws IllegalArgumentException if {@code member} is a standard member ({@code type}, {@code status}...) */
    public Problem with(String member, Object value) {
        var map = new java.util.LinkedHashMap<>(extensions);
        map.put(member, value);
        return new Problem(type, title, status, detail, instance, map);
    }

    /** This problem as a response with the problem+json content type. */
    public Response toResponse() {
        return Response.status(status).problem(this);
    }
}
