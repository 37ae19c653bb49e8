package dev.baton.operations.client;

import dev.baton.internal.Futures;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.client.Call;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpClientException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one operation to its end on a virtual thread of its own: waits for the answer that
 * started it, reads its event stream ({@link EventStreamFollower}) or polls it ({@link Poller}),
 * hands progress to the callback and completes the future. The thread blocks, so that progress
 * is delivered in order, one at a time and off every event loop, with plain sequential code.
 *
 * <p>The future is the only control: once it completes, whoever completed it (the result, the
 * caller's {@code cancel}, an {@code orTimeout}), the follow stops, aborting its request or
 * closing its stream, and the thread ends. A {@code cancel} also sends {@code DELETE}, once.
 */
final class OperationFollower<R> {
    private static final Logger log = LoggerFactory.getLogger(OperationsClient.class);

    /** Thrown on the follow's thread once the future completed: unwinds it, nothing else. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("the follow stopped", null, false, false);
        }
    }

    private final OperationsClient client;
    private final Class<R> resultType;
    private final Consumer<OperationProgress> onProgress;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean deleteSent = new AtomicBoolean();
    private volatile boolean deleteWanted;
    private volatile URI location;
    private volatile String operationId;
    private volatile Runnable abortCurrent;
    private OperationProgress last; // the follow thread's

    OperationFollower(OperationsClient client, Class<R> resultType, Consumer<OperationProgress> onProgress) {
        this.client = client;
        this.resultType = resultType;
        this.onProgress = onProgress;
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                deleteWanted = true; // the operation is the caller's to cancel, not only the wait
                requestDelete();
            }
            stop();
        });
    }

    /**
     * Follows the operation the answer to {@code request} announces (a 202; another 2xx is the
     * result at once); a relative location is resolved against {@code request}.
     */
    CompletableFuture<R> accepted(CompletableFuture<ClientResponse> answer, URI request) {
        return start(() -> {
            if (accepted(awaitToTheEnd(answer), request)) {
                followToTheEnd();
            }
        });
    }

    /** Follows the operation at {@code operationUrl}. */
    CompletableFuture<R> follow(URI operationUrl) {
        return start(() -> {
            locate(operationUrl);
            followToTheEnd();
        });
    }

    private interface Work {
        void run() throws IOException;
    }

    private CompletableFuture<R> start(Work work) {
        Thread.ofVirtual().name("baton-operation-follower").start(() -> {
            try {
                work.run();
            } catch (Stopped e) {
                // the future completed first: there is nobody left to tell
            } catch (Throwable t) {
                result.completeExceptionally(Futures.unwrap(t));
            }
        });
        return result;
    }

    private void followToTheEnd() throws IOException {
        OperationResource end = client.options().events() ? new EventStreamFollower(this).follow() : null;
        finish(end != null ? end : new Poller(this).follow());
    }

    /** Reads the answer that started the operation; true if there is an operation left to follow. */
    private boolean accepted(ClientResponse r, URI request) throws IOException {
        if (r.status() == 202) {
            String where = r.header("Operation-Location").or(() -> r.header("Location")).orElseThrow(() ->
                    new HttpClientException("a 202 answer names no operation: it has no Operation-Location or Location"));
            locate(request.resolve(where.strip()));
            OperationResource first = OperationResource.parse(mapper(), Responses.bytes(r));
            if (first != null) {
                deliver(first);
                if (first.state().isTerminal()) {
                    finish(first);
                    return false;
                }
            }
            return true;
        }
        if (!r.isSuccess()) {
            throw Responses.statusError(mapper(), r, "starting the operation at " + request);
        }
        // 200, 201, 204: the work was done within the request (Prefer: wait), and this is its result
        byte[] body = Responses.bytes(r);
        result.complete(convert(body.length == 0 ? null : mapper().readTree(body), request.toString()));
        return false;
    }

    private void locate(URI url) {
        location = url;
        String path = url.getPath();
        operationId = path == null ? url.toString() : path.substring(path.lastIndexOf('/') + 1);
        if (deleteWanted) { // cancelled while the POST was on its way: the answer named what to cancel
            requestDelete();
        }
    }

    private void finish(OperationResource end) throws IOException {
        String id = end.id() != null ? end.id() : operationId;
        switch (end.state()) {
            case SUCCEEDED -> result.complete(resultOf(end, id));
            case FAILED, CANCELED -> result.completeExceptionally(new OperationFailedException(id, end.state(),
                    end.problem(mapper(), id, location.toString())));
            default -> throw new IllegalStateException("not terminal: " + end.state());
        }
    }

    /** The {@code result} member, else the body at {@code resourceLocation}, as the caller's type. */
    private R resultOf(OperationResource end, String id) throws IOException {
        if (resultType == Void.class || resultType == void.class) {
            return null;
        }
        JsonNode node = end.result();
        if (node == null && end.resourceLocation() != null) {
            URI where = location.resolve(end.resourceLocation());
            ClientResponse r = await(call("GET", where).header("Accept", "application/json").send());
            if (!r.isSuccess()) {
                throw Responses.statusError(mapper(), r, "reading the result of operation " + id + " at " + where);
            }
            byte[] body = Responses.bytes(r);
            node = body.length == 0 ? null : mapper().readTree(body);
        }
        return convert(node, id);
    }

    private R convert(JsonNode node, String id) {
        if (node == null || node.isNull() || resultType == Void.class || resultType == void.class) {
            return null;
        }
        try {
            return mapper().treeToValue(node, resultType);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new HttpClientException("cannot read the result of operation " + id + " as "
                    + resultType.getSimpleName() + ": " + why, e);
        }
    }

    // ---- what EventStreamFollower and Poller use, on the follow thread ----

    OperationsClient client() {
        return client;
    }

    ObjectMapper mapper() {
        return client.http().objectMapper();
    }

    URI location() {
        return location;
    }

    /** A call to {@code uri} with the client's headers (for its origin). */
    Call call(String method, URI uri) {
        return client.call(method, uri);
    }

    /** Hands a state to the callback, unless nothing it shows changed; a callback's exception is logged. */
    void deliver(OperationResource r) {
        if (r.id() != null) {
            operationId = r.id();
        }
        OperationProgress p = r.toProgress(operationId);
        if (p.equals(last)) {
            return;
        }
        last = p;
        checkStopped();
        try {
            onProgress.accept(p);
        } catch (RuntimeException e) {
            log.warn("the progress callback of operation {} threw; the follow goes on", operationId, e);
        }
    }

    /** Waits for {@code call}; a completed future aborts it (closing its connection) and stops the follow. */
    <T> T await(CompletableFuture<T> call) {
        abortCurrent = () -> call.cancel(true);
        try {
            checkStopped(); // after publishing the abort: a stop from now on sees it
            return awaitToTheEnd(call);
        } catch (RuntimeException e) {
            checkStopped(); // an abort of ours is no failure of the operation
            throw e;
        } finally {
            abortCurrent = null;
        }
    }

    /** Closes {@code stream} (from any thread) if the follow stops while it is read; {@link #untrack} after. */
    void track(AutoCloseable stream) {
        abortCurrent = () -> {
            try {
                stream.close();
            } catch (Exception e) {
                log.debug("closing the stream of operation {} failed", operationId, e);
            }
        };
        checkStopped();
    }

    void untrack() {
        abortCurrent = null;
    }

    /** Waits {@code d}, or less if the follow stops (then throws {@link Stopped}). */
    void sleep(Duration d) {
        try {
            stopped.get(Math.max(0, d.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (ExecutionException e) {
            // never: stopped only completes normally
        }
        throw new Stopped();
    }

    void checkStopped() {
        if (stopped.isDone()) {
            throw new Stopped();
        }
    }

    // ---- stopping ----

    private void stop() {
        stopped.complete(null);
        Runnable abort = abortCurrent;
        if (abort != null) {
            abort.run();
        }
    }

    private void requestDelete() {
        URI url = location;
        if (url == null || !deleteSent.compareAndSet(false, true)) {
            return;
        }
        String id = operationId;
        client.call("DELETE", url).send().whenComplete((r, e) -> {
            if (e != null) {
                log.warn("could not cancel operation {} ({}): {}", id, url, e.toString());
            } else if (r.isSuccess()) {
                log.debug("asked {} to cancel operation {}", url, id);
            } else if (r.status() == 409) {
                log.debug("operation {} had ended before it was cancelled", id);
            } else {
                log.warn("cancelling operation {} ({}) answered {}", id, url, r.status());
            }
        });
    }

    /** Waits for {@code f} whatever happens to the follow (the answer to a POST must be read: it may name an operation to cancel). */
    private static <T> T awaitToTheEnd(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        }
    }
}
