package dev.baton.internal.netty;

import dev.baton.http.EventEmitter;
import dev.baton.http.SseEvent;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Server-Sent Events over a {@link StreamSink}, with heartbeat comments while open. */
final class SseEmitter implements EventEmitter {
    private final StreamSink sink;
    private final ScheduledFuture<?> heartbeat;

    SseEmitter(StreamSink sink, EventExecutor loop, Duration every) {
        this.sink = sink;
        long ms = every.toMillis();
        this.heartbeat = ms > 0 ? loop.scheduleAtFixedRate(() -> {
            if (sink.isOpen()) {
                sink.write(":\n\n");
            }
        }, ms, ms, TimeUnit.MILLISECONDS) : null;
        sink.onClose(() -> {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
        });
    }

    @Override
    public CompletionStage<Void> send(SseEvent event) {
        return sink.write(event.encode());
    }

    @Override
    public CompletionStage<Void> comment(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\r\n|\r|\n", -1)) {
            sb.append(": ").append(line).append('\n');
        }
        return sink.write(sb.append('\n').toString());
    }

    @Override
    public boolean isOpen() {
        return sink.isOpen();
    }

    @Override
    public void close() {
        sink.close();
    }

    @Override
    public void onClose(Runnable callback) {
        sink.onClose(callback);
    }
}
