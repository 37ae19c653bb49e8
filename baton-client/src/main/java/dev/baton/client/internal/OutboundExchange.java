package dev.baton.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.ConnectionClosedException;
import dev.baton.client.HttpClientException;
import dev.baton.client.MalformedResponseException;
import dev.baton.client.PoolExhaustedException;
import dev.baton.client.RequestBody;
import dev.baton.context.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt: wait for a connection, write the request, read the response. Ends exactly once,
 * either normally (the connection goes back to the pool if both sides keep it alive) or by
 * {@link #fail} (timeout, abort, broken connection), which closes the connection so that the
 * server sees the disconnect. Apart from {@link #fail}, runs on the connection's event loop.
 */
final class OutboundExchange {
    private final ClientRequest request;
    private final AttemptDeadlines deadlines;
    private final Settings settings;
    private final CompletableFuture<ClientResponse> result = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final long startNanos = System.nanoTime();
    private static final int MAX_RESTARTS = 3;
    private volatile HostPool.Pending acquiring;
    private HostPool pool;
    private EventLoop loop;
    private int restarts;
    private volatile Transport connection;
    private volatile ScheduledFuture<?> timer;
    /** The armed timer is the call's own deadline (for the message). */
    private volatile boolean timedByCallDeadline;
    // event-loop confined, once the connection is ours
    private boolean responseStarted;
    private boolean informational;
    private boolean requestSent;
    private boolean keepAlive;
    private int status;
    private HeaderList headers;
    private CompositeByteBuf body;
    private ResponseStream stream;

    /** What every exchange of a client shares. */
    record Settings(long maxResponseBytes, String userAgent, ObjectMapper json, ClientMetrics metrics) {
    }

    OutboundExchange(ClientRequest request, AttemptDeadlines deadlines, Settings settings) {
        this.request = request;
        this.deadlines = deadlines;
        this.settings = settings;
    }

    CompletableFuture<ClientResponse> result() {
        return result;
    }

    boolean responseStarted() {
        return responseStarted;
    }

    /** True once the attempt ended, either way. */
    boolean isDone() {
        return done.get();
    }

    /** Arms the deadline timer on {@code loop} and asks {@code pool} for a connection. */
    void start(HostPool pool, EventLoop loop) {
        if (done.get()) {
            return; // the call was aborted before this attempt could start
        }
        this.pool = pool;
        this.loop = loop;
        arm(loop, deadlines.timer(), deadlines.callDeadlineFirst());
        acquire();
    }

    /**
     * The server never processed the request (an HTTP/2 stream it refused, or one past its GOAWAY's
     * last stream, RFC 9113 8.7): runs it again on another stream, within the same timer, whatever
     * its method. False, and nothing done, when it cannot be: the attempt ended, a response began,
     * the body cannot be sent again (a stream), or it was run again {@link #MAX_RESTARTS} times already.
     */
    boolean restart() {
        if (done.get() || responseStarted || !request.body().isReplayable() || restarts >= MAX_RESTARTS) {
            return false;
        }
        restarts++;
        connection = null;
        requestSent = false;
        informational = false;
        acquire();
        return true;
    }

    private void acquire() {
        HostPool.Pending p = pool.acquire(loop);
        acquiring = p;
        p.whenComplete((lease, error) -> {
            if (error != null) {
                fail(error);
            } else if (done.get()) {
                // aborted while the connection was on its way (opening, say): anything aborted is
                // closed, never pooled, as begin() does when the abort comes a moment later
                lease.giveBack();
            } else {
                lease.start(this);
            }
        });
    }

    /** (Re)arms the attempt's timer; {@link Deadline#NONE} leaves it unarmed. */
    private void arm(EventLoop loop, Deadline at, boolean callDeadline) {
        cancelTimer();
        timedByCallDeadline = callDeadline;
        if (!at.isNone()) {
            timer = loop.schedule(this::timedOut, at.remaining().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void timedOut() {
        if (done.get()) {
            return; // a timer that fired as the attempt ended is no timeout
        }
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        HostPool.Pending p = acquiring;
        if (connection == null && p != null && p.queued) {
            fail(new PoolExhaustedException(PoolExhaustedException.Reason.WAIT_TIMED_OUT, "waited " + ms
                    + " ms for a connection to " + HostKey.of(request.uri()) + " (all busy) until the deadline"));
            return;
        }
        settings.metrics().timeouts.increment();
        fail(new ClientTimeoutException(request + " did not complete within " + ms + " ms ("
                + (connection == null ? "still connecting" : responseStarted ? "reading the response" : "waiting for the response")
                + (timedByCallDeadline ? "; the call's deadline" : "") + ")"));
    }

    @Override
    public String toString() {
        return request.toString();
    }

    /** The request is a HEAD: its response is a head alone. */
    boolean isHead() {
        return request.method().equals("HEAD");
    }

    /** The connection (or stream) is ours (on its loop): write the request. */
    void begin(Transport conn) {
        connection = conn;
        if (done.get()) {
            // failed while the connection was on its way: fail() may not have seen it, so close it here
            conn.abandon(this);
            return;
        }
        Deadline left = deadlines.left();
        if (!left.isNone() && left.remaining().toMillis() <= 0 && deadlines.timer().isExpired()) {
            timedOut();
            return;
        }
        RequestBody b = request.body();
        HttpRequest head = b.isStreamed()
                ? new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()), target())
                : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()), target(),
                        b.isEmpty() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(b.bytes()));
        HttpHeaders h = head.headers();
        h.set(HttpHeaderNames.HOST, HostKey.of(request.uri()).authority());
        for (Map.Entry<String, String> e : request.headers()) {
            if (!e.getKey().equalsIgnoreCase("host") && !e.getKey().equalsIgnoreCase("content-length")
                    && !e.getKey().equalsIgnoreCase("transfer-encoding")) {
                h.add(e.getKey(), e.getValue());
            }
        }
        if (!h.contains(HttpHeaderNames.USER_AGENT)) {
            h.set(HttpHeaderNames.USER_AGENT, settings.userAgent());
        }
        if (request.propagateDeadline() && !deadlines.sent().isNone()) {
            h.set(Deadline.HEADER, Math.max(1, deadlines.sent().remaining().toMillis()));
        }
        if (b.contentType() != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, b.contentType());
        }
        Channel ch = conn.channel();
        if (b.isStreamed()) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ch.writeAndFlush(head).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(new ConnectionClosedException("could not send " + request + ": " + f.cause(), false, f.cause()));
                }
            });
            new StreamedRequestBody(ch, this).start(b.stream());
            return;
        }
        if (!b.isEmpty() || request.method().equals("POST") || request.method().equals("PUT")
                || request.method().equals("PATCH")) {
            HttpUtil.setContentLength(head, b.isEmpty() ? 0 : b.bytes().length);
        }
        ch.writeAndFlush(head).addListener(f -> {
            if (f.isSuccess()) {
                requestSent = true;
            } else {
                fail(new ConnectionClosedException("could not send " + request + ": " + f.cause(), false, f.cause()));
            }
        });
    }

    /** The streamed request body ended (on the loop). */
    void requestBodySent() {
        requestSent = true;
    }

    private String target() {
        String path = request.uri().getRawPath();
        String query = request.uri().getRawQuery();
        return (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
    }

    /** A decoded piece of the response (on the loop); releases it. */
    void onMessage(Object msg) {
        try {
            if (done.get()) {
                return;
            }
            // Netty flags a framing error on the piece it was found in (a head, or any chunk or the
            // last one) and then discards the rest of the connection's bytes: the call fails here,
            // and fail() closes the connection, whatever the piece
            if (msg instanceof DecoderResultProvider d && d.decoderResult().isFailure()) {
                fail(malformed(msg instanceof HttpResponse ? "head" : "body", d.decoderResult().cause()));
                return;
            }
            if (msg instanceof HttpResponse r) {
                onHead(r);
            }
            if (msg instanceof HttpContent c) {
                onContent(c);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse r) {
        int code = r.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            informational = true; // 100 Continue and friends: skip to the real response
            return;
        }
        responseStarted = true;
        status = code;
        keepAlive = HttpUtil.isKeepAlive(r);
        List<Map.Entry<String, String>> list = new ArrayList<>(r.headers().size());
        r.headers().forEach(list::add);
        headers = HeaderList.received(list);
        if (request.streamResponse()) {
            stream = new ResponseStream(connection.channel(), () -> fail(new java.util.concurrent.CancellationException(
                    "the response stream was closed before its end")));
            result.complete(ClientResponse.streamed(status, headers, stream, settings.json()));
            if (!deadlines.streamTimer().equals(deadlines.timer())) {
                // the call has its outcome: its own deadline is done, the body is its reader's
                arm(connection.loop(), deadlines.streamTimer(), false);
            }
        } else {
            long length = HttpUtil.getContentLength(r, -1L);
            if (length > settings.maxResponseBytes()) {
                fail(tooLarge());
                return;
            }
            body = connection.channel().alloc().compositeBuffer();
        }
    }

    private void onContent(HttpContent c) {
        if (informational) {
            informational = !(c instanceof LastHttpContent);
            return;
        }
        ByteBuf data = c.content();
        if (data.isReadable()) {
            if (stream != null) {
                stream.offer(data);
            } else if (body.readableBytes() + (long) data.readableBytes() > settings.maxResponseBytes()) {
                fail(tooLarge());
                return;
            } else {
                body.addComponent(true, data.retain());
            }
        }
        if (c instanceof LastHttpContent) {
            end();
        }
    }

    private MalformedResponseException malformed(String part, Throwable cause) {
        return new MalformedResponseException(request + ": malformed response " + part + " from "
                + HostKey.of(request.uri()) + ": " + cause, cause);
    }

    private HttpClientException tooLarge() {
        return new HttpClientException("the response of " + request + " is larger than maxResponseBytes ("
                + settings.maxResponseBytes() + "); stream it with BodyReader.stream()");
    }

    private void end() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        boolean reusable = keepAlive && requestSent && !"close".equalsIgnoreCase(request.headers().first("Connection").orElse(""));
        Transport conn = connection;
        if (stream != null) {
            // the connection goes back first: a reader that saw the end may call again at once
            conn.channel().config().setAutoRead(true);
            conn.ended(this, reusable);
            stream.end();
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(body);
        body.release();
        body = null;
        conn.ended(this, reusable);
        result.complete(ClientResponse.of(status, headers, bytes, settings.json()));
    }

    /** Ends the exchange with {@code cause}, from any thread; closes the connection. A no-op once ended. */
    void fail(Throwable cause) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        HostPool.Pending p = acquiring;
        if (p != null) {
            p.cancel(false);
        }
        result.completeExceptionally(cause);
        Transport conn = connection;
        if (conn != null) {
            if (conn.loop().inEventLoop()) {
                cleanUp(conn, cause);
            } else {
                conn.loop().execute(() -> cleanUp(conn, cause));
            }
        }
    }

    private void cleanUp(Transport conn, Throwable cause) {
        if (body != null) {
            body.release();
            body = null;
        }
        if (stream != null) {
            stream.fail(cause);
        }
        conn.abandon(this);
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
