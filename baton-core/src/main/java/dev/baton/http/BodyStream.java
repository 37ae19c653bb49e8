package dev.baton.http;

/**
 * Produces a streamed response body. {@link #writeTo} is called once the headers are sent;
 * it may write from any thread, and must end by calling {@link BodySink#close()} (or
 * {@link BodySink#fail(Throwable)}).
 *
 * <pre>{@code return Response.ok().stream("text/csv", sink -> rows.forEach(r -> sink.write(r.csv())) ... sink.close());}</pre>
 */
@FunctionalInterface
public interface BodyStream {
    void writeTo(BodySink sink) throws Exception;
}
