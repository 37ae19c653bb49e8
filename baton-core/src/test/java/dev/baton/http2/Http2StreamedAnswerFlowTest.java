package dev.baton.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.BodySink;
import dev.baton.http.Response;
import dev.baton.support.RawH2;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A streamed answer on HTTP/2 against the client's flow-control window: its producer's backpressure. */
class Http2StreamedAnswerFlowTest {
    private static final int CHUNK = 16 * 1024;
    private static final int CHUNKS = 8;
    /** HTTP/2's default window, which this test's client keeps for its stream and its connection. */
    private static final int WINDOW = 65_535;

    @Test
    void aStreamedAnswerPastTheClientsWindowIsNotWritableUntilTheClientGrantsMore() throws Exception {
        AtomicReference<BodySink> sink = new AtomicReference<>();
        CompletableFuture<Void> finish = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/big", ctx -> Response.ok().stream("application/octet-stream", out -> {
            for (int i = 0; i < CHUNKS; i++) {
                out.write(new byte[CHUNK]); // all at once: what the window holds back waits in the codec
            }
            sink.set(out);
            finish.thenRun(out::close);
        }))); RawH2 h2 = new RawH2(s.port(), Duration.ofSeconds(10), 0, false)) {
            int id = h2.send("GET", "/big");
            assertThat(readData(h2, id, WINDOW)).isEqualTo(WINDOW);
            Await.until("the producer sees the stream not writable", Duration.ofSeconds(5),
                    () -> sink.get() != null && !sink.get().isWritable());

            h2.windowUpdate(id, 1 << 20);
            h2.windowUpdate(0, 1 << 20);
            assertThat(readData(h2, id, CHUNK * CHUNKS - WINDOW)).isEqualTo(CHUNK * CHUNKS - WINDOW);
            Await.until("the producer sees the stream writable again", Duration.ofSeconds(5), () -> sink.get().isWritable());

            finish.complete(null);
            RawH2.Frame end;
            do {
                end = h2.read();
            } while (end != null && !(end.streamId() == id && end.endStream()));
            assertThat(end).isNotNull();
        }
    }

    /** Reads stream {@code id}'s frames until {@code bytes} of DATA arrived; returns how many did. */
    private static int readData(RawH2 h2, int id, int bytes) throws Exception {
        int read = 0;
        while (read < bytes) {
            RawH2.Frame f = h2.read();
            if (f == null) {
                break;
            }
            if (f.streamId() == id && f.type() == RawH2.DATA) {
                read += f.payload().length;
            }
        }
        return read;
    }
}
