package dev.baton.internal.netty;

import dev.baton.internal.tls.ServerTls;
import dev.baton.tls.TlsSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The connection-wide parts an HTTP/2 connection's streams use, as {@link ServerParts} are the
 * server's: the response heads, the request accounting, the TLS session, one flush for the answers
 * of a turn of the loop, the budget of request body bytes held, the clock of the last activity,
 * and the two timers every stream's request is watched by (its timeout, its body's minimum rate),
 * each one lazily re-armed {@link LazyTimer} per connection. It knows nothing of the streams: they
 * hand it what it watches, and their connection reads its clock and stops its timers.
 * Confined to the connection's event loop.
 */
final class Http2ConnectionParts {
    /** How often the bodies the server waits for are checked against the minimum rate. */
    private static final long BODY_RATE_CHECK_NANOS = 500_000_000L;

    private final Channel channel;
    private final Http2ResponseHead heads;
    private final RequestAccounting accounting;
    /** The TLS session every stream of an h2 connection shares; null for h2c. */
    private final TlsSession tls;
    private final long maxBodyBytes;
    private final boolean bodyRateOn;
    /** The requests in flight that have a timeout: one timer for all, no task per request. */
    private final Set<Exchange> timed = new HashSet<>();
    private final LazyTimer timeouts = new LazyTimer(System::nanoTime, this::timeoutsDue);
    /** The bodies the server waits for, each a check "still awaited?": one timer while any is. */
    private List<LongPredicate> bodyRateChecks = new ArrayList<>();
    private final LazyTimer bodyRates = new LazyTimer(System::nanoTime, this::bodyRatesDue);
    /** Request body bytes the streams hold until their requests are whole: bounded per connection. */
    private long bodyBytes;
    private long lastActivityNanos = System.nanoTime();
    private boolean flushScheduled;
    private final Runnable flush = this::flushNow;
    /** For the streams' writes nothing waits for: a failure there is the stream's, which the codec resets, not the connection's. */
    private final ChannelPromise unwatched;

    /** {@code channel}: the connection's, active and registered, its TLS handler (if any) in place. */
    Http2ConnectionParts(ServerParts server, Channel channel) {
        this.channel = channel;
        this.unwatched = new VoidChannelPromise(channel, false);
        this.heads = new Http2ResponseHead(server.config().serverHeader());
        this.accounting = new RequestAccounting(server);
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        this.tls = ssl == null ? null : ServerTls.session(ssl);
        this.maxBodyBytes = server.config().http2().maxConnectionBodyBytes();
        this.bodyRateOn = server.config().minRequestBodyRate() > 0;
        timeouts.bind(channel.eventLoop());
        bodyRates.bind(channel.eventLoop());
    }

    Http2ResponseHead heads() {
        return heads;
    }

    RequestAccounting accounting() {
        return accounting;
    }

    /** The connection's TLS session, which its streams' requests report; null over h2c. */
    TlsSession tls() {
        return tls;
    }

    /**
     * Flushes after the tasks and reads the event loop has queued now: the answers of many streams
     * (a read burst's, or the workers' that completed meanwhile) go out in one write.
     */
    void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flush);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush(); // through the codec, which writes what flow control held too
    }

    /** The promise of the streams' writes that nothing waits for (none is made). */
    ChannelPromise unwatched() {
        return unwatched;
    }

    /** Takes {@code n} more body bytes into the connection's budget; false (nothing taken) when it would pass it. */
    boolean holdBody(int n) {
        if (bodyBytes + n > maxBodyBytes) {
            return false;
        }
        bodyBytes += n;
        return true;
    }

    /** A stream handed on or dropped {@code n} body bytes it held. */
    void releaseBody(long n) {
        bodyBytes -= n;
    }

    /** A stream opened, read a frame or closed. */
    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** When a stream last opened, read a frame or closed (System.nanoTime). */
    long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** Times {@code ex} out at its budget's instant, if it has one, until it completes or {@link #unwatch} says. */
    void watch(Exchange ex) {
        if (ex.timeoutAtNanos != 0) {
            timed.add(ex);
            timeouts.fireBy(ex.timeoutAtNanos);
        }
    }

    /** {@code ex} is answered or abandoned: no timer holds it any more (the timer stays armed, and re-arms for the rest). */
    void unwatch(Exchange ex) {
        timed.remove(ex);
    }

    private long timeoutsDue(long now) {
        long next = 0;
        for (Iterator<Exchange> it = timed.iterator(); it.hasNext(); ) {
            Exchange ex = it.next();
            if (ex.isCompleted()) {
                it.remove();
            } else if (now - ex.timeoutAtNanos >= 0) {
                RequestTimeout.fire(ex, now); // it completes with its answer, then drops out
            } else if (next == 0 || ex.timeoutAtNanos - next < 0) {
                next = ex.timeoutAtNanos;
            }
        }
        return next;
    }

    /**
     * A stream waits for its body: {@code stillAwaited} is asked every half second with the time
     * (System.nanoTime), and answers 408 itself to a body below the minimum rate; it is asked no
     * more once it says false.
     */
    void watchBodyRate(LongPredicate stillAwaited) {
        if (bodyRateOn) {
            bodyRateChecks.add(stillAwaited);
            bodyRates.fireBy(System.nanoTime() + BODY_RATE_CHECK_NANOS);
        }
    }

    private long bodyRatesDue(long now) {
        List<LongPredicate> due = bodyRateChecks;
        bodyRateChecks = new ArrayList<>(); // a check may answer 408, and its stream's close run meanwhile
        for (LongPredicate check : due) {
            if (check.test(now)) {
                bodyRateChecks.add(check);
            }
        }
        return bodyRateChecks.isEmpty() ? 0 : now + BODY_RATE_CHECK_NANOS;
    }

    /** The connection closed: nothing more is due. */
    void stop() {
        timeouts.stop();
        bodyRates.stop();
    }
}
