package dev.baton.client;

/** The connection (TCP or the TLS handshake) could not be set up; the request was never sent. */
public final class ConnectFailedException extends HttpClientException {
    public ConnectFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
