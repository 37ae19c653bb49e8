package dev.baton.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A thousand sessions at once, each echoing its messages: all arrive, all close cleanly, nothing stays counted. */
class WebSocketSessionsLoadTest {
    static final int SESSIONS = 1000;
    static final int MESSAGES = 10;

    /** One client session: sends its messages one after another as the echoes come back, then closes. */
    static final class EchoClient implements WebSocket.Listener {
        final int id;
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final List<String> received = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();

        EchoClient(int id) {
            this.id = id;
        }

        String message(int n) {
            return "session " + id + " message " + n;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
            ws.sendText(message(0), true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
                if (received.size() < MESSAGES) {
                    ws.sendText(message(received.size()), true);
                } else {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    @Test
    void aThousandConcurrentSessionsEchoEveryMessageAndAllCloseCleanly() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closedOnServer = new AtomicInteger();
        try (TestServer s = TestServer.start(c -> c.maxConnections(SESSIONS + 100), r -> r.ws("/echo", ws -> ws
                .onOpen(session -> opened.incrementAndGet())
                .onText((session, text) -> session.sendText(text))
                .onClose((session, code, reason) -> {
                    if (code == 1000) {
                        closedOnServer.incrementAndGet();
                    }
                })))) {
            List<EchoClient> clients = new ArrayList<>();
            List<CompletableFuture<WebSocket>> connecting = new ArrayList<>();
            URI uri = URI.create("ws://127.0.0.1:" + s.port() + "/echo");
            for (int i = 0; i < SESSIONS; i++) {
                EchoClient client = new EchoClient(i);
                clients.add(client);
                connecting.add(s.client.newWebSocketBuilder().buildAsync(uri, client));
            }
            CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            CompletableFuture.allOf(clients.stream().map(c -> c.closed).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (EchoClient client : clients) {
                assertThat(client.closed.join()).isEqualTo(1000);
                assertThat(client.received).hasSize(MESSAGES);
                for (int n = 0; n < MESSAGES; n++) {
                    assertThat(client.received.get(n)).isEqualTo(client.message(n));
                }
            }
            Await.until(Duration.ofSeconds(30), () -> s.server.stats().webSockets().openSessions() == 0);
            Await.until(Duration.ofSeconds(30), () -> closedOnServer.get() == SESSIONS);
            assertThat(opened.get()).isEqualTo(SESSIONS);
            assertThat(s.server.stats().webSockets().messagesIn()).isEqualTo((long) SESSIONS * MESSAGES);
            assertThat(s.server.stats().webSockets().messagesOut()).isEqualTo((long) SESSIONS * MESSAGES);
            Await.until(Duration.ofSeconds(30), () -> s.server.stats().openConnections() == 0);
            assertThat(s.server.stats().inFlight()).isZero();
        }
    }
}
