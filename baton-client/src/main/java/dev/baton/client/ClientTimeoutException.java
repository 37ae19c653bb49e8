package dev.baton.client;

/** An attempt did not complete within its timeout, or the call ran out of its deadline. */
public final class ClientTimeoutException extends HttpClientException {
    public ClientTimeoutException(String message) {
        super(message);
    }
}
