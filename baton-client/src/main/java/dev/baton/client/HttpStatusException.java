package dev.baton.client;

/**
 * A response with a non-2xx status, where a {@link BodyReader} expected a success. Carries the
 * (buffered) response so that the caller can read a problem body.
 */
public final class HttpStatusException extends HttpClientException {
    private final transient ClientResponse response;

    public HttpStatusException(ClientResponse response, String message) {
        super(message);
        this.response = response;
    }

    public int status() {
        return response.status();
    }

    public ClientResponse response() {
        return response;
    }
}
