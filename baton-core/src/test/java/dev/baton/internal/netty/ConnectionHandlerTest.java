package dev.baton.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ServerConfig;
import dev.baton.context.CancellationReason;
import dev.baton.http.Response;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.routing.Handler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection handler alone, on an {@link EmbeddedChannel} behind the production decoding
 * chain, with a fake dispatcher that answers as each test says: pipelining, refusals, the
 * 100-continue ordering, the client leaving and shutdown, without sockets or a server.
 */
class ConnectionHandlerTest {
    private static final ServerConfig CONFIG = ServerPartsFixture.CONFIG;
    private static final String GET = "GET /%s HTTP/1.1\r\nHost: x\r\n\r\n";

    private final ServerPartsFixture fixture = new ServerPartsFixture();
    private final ServerMetrics metrics = fixture.metrics;
    private final ServerParts parts = fixture.parts;

    @AfterEach
    void stopThreads() {
        fixture.close();
    }

    /** Answers each request with what {@code answer} makes of its path: a handler result, or null to refuse with 404. */
    private final class FakeDispatcher implements RequestDispatcher {
        final List<String> seen = new ArrayList<>();
        final List<Exchange> admitted = new ArrayList<>();
        private final Function<String, Handler> answer;

        FakeDispatcher(Function<String, Handler> answer) {
            this.answer = answer;
        }

        @Override
        public Dispatch dispatch(FullHttpRequest req, long arrivalNanos, InetSocketAddress remote, dev.baton.tls.TlsSession tls, ResponseSink sink) {
            try {
                RequestTarget target = RequestTarget.parse(req.method().name(), req.uri());
                seen.add(target.path());
                Handler h = answer.apply(target.path());
                if (h == null) {
                    return new Dispatch.Refused(Response.status(404).build(), true, false, false);
                }
                Exchange ex = fixture.admit(req, target, h, arrivalNanos, remote, tls, sink);
                admitted.add(ex);
                return ex;
            } finally {
                req.release();
            }
        }

        @Override
        public ServerParts server() {
            return parts;
        }
    }

    private static EmbeddedChannel channel(RequestDispatcher dispatcher) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ServerInitializer.addRequestDecoding(ch.pipeline(), CONFIG);
        ch.pipeline().addLast(new ConnectionHandler(dispatcher));
        return ch;
    }

    private static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    /** Everything the handler wrote so far, as text. */
    private static String written(EmbeddedChannel ch) {
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void pipelinedRequestsAreDispatchedOneAtATimeAndAnsweredInOrder() {
        CompletableFuture<String> first = new CompletableFuture<>();
        FakeDispatcher d = new FakeDispatcher(path -> path.equals("/a") ? ctx -> first : ctx -> "b");
        EmbeddedChannel ch = channel(d);
        send(ch, GET.formatted("a") + GET.formatted("b"));
        assertThat(d.seen).containsExactly("/a"); // the second waits for the first's answer
        assertThat(written(ch)).isEmpty();
        first.complete("a"); // from another thread in real life: the write hops to the loop
        String out = written(ch);
        assertThat(d.seen).containsExactly("/a", "/b");
        assertThat(out.indexOf("\r\n\r\na")).isPositive().isLessThan(out.indexOf("\r\n\r\nb"));
        assertThat(metrics.inFlight.get()).isZero();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aRefusalIsWrittenAndTheNextRequestFollows() {
        FakeDispatcher d = new FakeDispatcher(path -> path.equals("/missing") ? null : ctx -> "ok");
        EmbeddedChannel ch = channel(d);
        send(ch, GET.formatted("missing") + GET.formatted("here"));
        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 404").contains("HTTP/1.1 200");
        assertThat(d.seen).containsExactly("/missing", "/here");
    }

    @Test
    void aRefusalThatMustCloseClosesAfterItsAnswerAndDropsWhatWasPipelinedBehind() {
        AtomicReference<Boolean> first = new AtomicReference<>(true);
        RequestDispatcher closing = new RequestDispatcher() {
            @Override
            public Dispatch dispatch(FullHttpRequest req, long arrivalNanos, InetSocketAddress remote, dev.baton.tls.TlsSession tls, ResponseSink sink) {
                req.release();
                first.set(false);
                return new Dispatch.Refused(Response.status(400).build(), true, false, true);
            }

            @Override
            public ServerParts server() {
                return parts;
            }
        };
        EmbeddedChannel ch = channel(closing);
        send(ch, GET.formatted("x") + GET.formatted("y"));
        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 400").contains("connection: close");
        assertThat(out.split("HTTP/1.1 ", -1)).hasSize(2); // one answer, not two
        assertThat(first.get()).isFalse();
    }

    @Test
    void aClientThatLeavesFiresTheTokenOfTheRequestInFlightAndNothingIsWritten() {
        CompletableFuture<String> never = new CompletableFuture<>();
        FakeDispatcher d = new FakeDispatcher(path -> ctx -> never);
        EmbeddedChannel ch = channel(d);
        send(ch, GET.formatted("slow"));
        Exchange ex = d.admitted.getFirst();
        ch.close();
        assertThat(ex.cancellation().reason()).contains(CancellationReason.CLIENT_DISCONNECT);
        assertThat(never).isCancelled();
        assertThat(metrics.clientDisconnects.sum()).isEqualTo(1);
        assertThat(metrics.inFlight.get()).isZero();
    }

    @Test
    void shutdownAnswersTheRequestInFlight503AndCloses() {
        CompletableFuture<String> never = new CompletableFuture<>();
        FakeDispatcher d = new FakeDispatcher(path -> ctx -> never);
        EmbeddedChannel ch = channel(d);
        send(ch, GET.formatted("slow"));
        ch.pipeline().get(ConnectionHandler.class).cancelForShutdown();
        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: ").contains("connection: close");
        assertThat(d.admitted.getFirst().cancellation().reason()).contains(CancellationReason.SHUTDOWN);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aContinueForALaterRequestWaitsUntilTheEarlierOneIsAnswered() {
        CompletableFuture<String> first = new CompletableFuture<>();
        FakeDispatcher d = new FakeDispatcher(path -> path.equals("/a") ? ctx -> first : ctx -> "b");
        EmbeddedChannel ch = channel(d);
        send(ch, GET.formatted("a") + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        assertThat(written(ch)).isEmpty(); // a 100 now would land inside the answer to /a
        first.complete("a");
        String out = written(ch);
        assertThat(out).startsWith("HTTP/1.1 200").contains("HTTP/1.1 100 Continue");
        assertThat(out.indexOf("HTTP/1.1 100")).isGreaterThan(out.indexOf("\r\n\r\na"));
    }
}
