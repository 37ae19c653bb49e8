package dev.baton.client;

/**
 * Why an outbound call failed. The subtypes name the cases a caller may want to treat apart;
 * a non-2xx status read through a {@link BodyReader} is an {@link HttpStatusException}.
 *
 * <pre>{@code client.get(uri).send(as(Gizmo.class)).exceptionally(e -> e.getCause() instanceof ClientTimeoutException ? Gizmo.NONE : null);}</pre>
 */
public class HttpClientException extends RuntimeException {
    public HttpClientException(String message) {
        super(message);
    }

    public HttpClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
