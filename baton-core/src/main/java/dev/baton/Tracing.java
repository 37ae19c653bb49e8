package dev.baton;

/**
 * When the server adds a {@code Server-Timing} header with the thread trace of a request
 * (which thread ran each stage, and for how long).
 *
 * <pre>{@code ServerConfig.builder().tracing(Tracing.ON_REQUEST)  // curl -H 'Baton-Trace: 1' ...}</pre>
 */
public enum Tracing {
    /** Never (the default: thread names are internals). */
    OFF,
    /** When the request carries the {@link #HEADER} header. */
    ON_REQUEST,
    /** On every response. */
    ALWAYS;

    /** The request header that asks for a trace when tracing is {@link #ON_REQUEST}. */
    public static final String HEADER = "Baton-Trace";
}
