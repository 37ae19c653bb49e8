package dev.baton.internal.body;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.HttpException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The body stream's contract with its source and its reader, on an embedded channel's loop. */
class RequestBodyStreamTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final EventExecutor loop = channel.eventLoop();
    private final RecordingSource source = new RecordingSource();
    private final RequestBodyStream body = new RequestBodyStream(loop, source, -1, 1 << 20);
    private final List<ByteBuf> offered = new ArrayList<>();

    @AfterEach
    void releaseWhatWasOffered() {
        // the caller keeps what it offers: the stream copies, so each buffer is released once, here
        offered.forEach(b -> assertThat(b.release()).isTrue());
        channel.finishAndReleaseAll();
    }

    @Test
    void theSourcePausesPastTheHighWaterMarkAndResumesWhenTheReaderAsks() {
        Reader reader = new Reader();
        body.subscribe(reader);
        offer(RequestBodyStream.HIGH_WATER - 1);
        assertThat(source.calls).isEmpty();

        offer(2);
        assertThat(source.calls).containsExactly("pause");
        assertThat(body.isPaused()).isTrue();

        reader.subscription.request(1);
        assertThat(source.calls).containsExactly("pause", "started", "resume");
        assertThat(reader.received).isEqualTo(RequestBodyStream.HIGH_WATER - 1);
    }

    @Test
    void theReaderGetsNoMoreThanItAskedForAndTheEndAfterTheLastBuffer() {
        Reader reader = new Reader();
        body.subscribe(reader);
        offer(10);
        offer(20);
        body.end();
        assertThat(reader.events).isEmpty();

        reader.subscription.request(1);
        assertThat(reader.events).containsExactly("next 10");
        reader.subscription.request(5);
        assertThat(reader.events).containsExactly("next 10", "next 20", "complete");
    }

    @Test
    void aFailureReachesTheReaderAtOnceAndDropsWhatItHadNotRead() {
        Reader reader = new Reader();
        body.subscribe(reader);
        offer(10);
        body.fail(new HttpException(400, "malformed chunk"));

        assertThat(reader.events).containsExactly("error malformed chunk");
    }

    @Test
    void aBodyOverItsLimitFailsWith413() {
        RequestBodyStream small = new RequestBodyStream(loop, source, -1, 15);
        Reader reader = new Reader();
        small.subscribe(reader);
        reader.subscription.request(10);
        ByteBuf data = Unpooled.wrappedBuffer(new byte[10]);
        small.offer(data);
        small.offer(data);
        data.release();

        assertThat(reader.events).containsExactly("next 10", "error the body is larger than 15 bytes");
        assertThat(reader.error).isInstanceOf(HttpException.class);
    }

    @Test
    void abandoningAnUnfinishedBodyFailsItsReaderAndAsksTheSource() {
        Reader reader = new Reader();
        body.subscribe(reader);
        offer(10);

        assertThat(body.abandon()).isTrue();
        assertThat(reader.error).isInstanceOf(CancellationException.class);
        assertThat(source.calls).contains("abandon 10 of -1");
        assertThat(body.abandon()).as("a failed body: the connection cannot go on").isFalse();
    }

    @Test
    void abandoningAFinishedBodyCostsNothing() {
        body.end();
        assertThat(body.abandon()).isTrue();
        assertThat(source.calls).isEmpty();
    }

    @Test
    void aSecondReaderIsRefused() {
        body.subscribe(new Reader());
        Reader second = new Reader();
        body.subscribe(second);

        assertThat(second.error).isInstanceOf(IllegalStateException.class).hasMessageContaining("one reader");
    }

    @Test
    void aReaderThatThrowsIsCancelledAndWhatArrivesLaterIsDropped() {
        Reader reader = new Reader() {
            @Override
            public void onNext(ByteBuffer item) {
                throw new IllegalStateException("reader bug");
            }
        };
        body.subscribe(reader);
        reader.subscription.request(Long.MAX_VALUE);
        offer(RequestBodyStream.HIGH_WATER * 2);
        offer(RequestBodyStream.HIGH_WATER * 2);

        assertThat(body.isPaused()).as("a dropped body never stops the connection").isFalse();
        assertThat(body.peakHeldBytes()).isEqualTo(RequestBodyStream.HIGH_WATER * 2);
    }

    @Test
    void anAggregatedBodyIsOneBuffer() {
        RequestBodyStream whole = RequestBodyStream.of("hello".getBytes(StandardCharsets.US_ASCII), loop);
        Reader reader = new Reader();
        whole.subscribe(reader);
        reader.subscription.request(1);

        assertThat(reader.events).containsExactly("next 5", "complete");
        assertThat(whole.contentLength()).isEqualTo(5);
    }

    private void offer(int bytes) {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[bytes]);
        offered.add(data);
        body.offer(data);
    }

    private static class RecordingSource implements BodySource {
        final List<String> calls = new ArrayList<>();

        @Override
        public void pause() {
            calls.add("pause");
        }

        @Override
        public void resume() {
            calls.add("resume");
        }

        @Override
        public void started() {
            calls.add("started");
        }

        @Override
        public boolean abandon(long received, long length) {
            calls.add("abandon " + received + " of " + length);
            return true;
        }
    }

    private static class Reader implements Flow.Subscriber<ByteBuffer> {
        final List<String> events = new ArrayList<>();
        Flow.Subscription subscription;
        long received;
        Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(ByteBuffer item) {
            received += item.remaining();
            events.add("next " + item.remaining());
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            events.add("error " + t.getMessage());
        }

        @Override
        public void onComplete() {
            events.add("complete");
        }
    }
}
