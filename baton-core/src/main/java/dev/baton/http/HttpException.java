package dev.baton.http;

/**
 * An exception that carries the HTTP status to answer with. Thrown from a handler (or failing
 * its stage) it becomes an RFC 9457 {@code application/problem+json} response whose
 * {@code detail} is the message.
 *
 * <pre>{@code throw new HttpException(404, "no gizmo " + id);}</pre>
 */
public class HttpException extends RuntimeException {
    private final int status;

    public HttpException(int status, String detail) {
        this(status, detail, null);
    }

    public HttpException(int status, String detail, Throwable cause) {
        super(detail, cause, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HttpException carries a 4xx or 5xx status, not " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** 400 with {@code detail}. */
    public static HttpException badRequest(String detail) {
        return new HttpException(400, detail);
    }

    /** 404 with {@code detail}. */
    public static HttpException notFound(String detail) {
        return new HttpException(404, detail);
    }
}
