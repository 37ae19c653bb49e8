package dev.baton.client;

/** The connection closed (or broke) before the response was complete. */
public final class ConnectionClosedException extends HttpClientException {
    private final boolean responseStarted;

    public ConnectionClosedException(String message, boolean responseStarted, Throwable cause) {
        super(message, cause);
        this.responseStarted = responseStarted;
    }

    /** True if part of the response had arrived; false if the server never answered. */
    public boolean responseStarted() {
        return responseStarted;
    }
}
