package dev.baton.operations.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    /** Hands out its bytes {@code step} at a time, as a network would, to split lines and CRLFs between reads. */
    static InputStream trickle(String text, int step) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, step), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    static List<SseReader.Event> all(SseReader reader) throws IOException {
        List<SseReader.Event> events = new ArrayList<>();
        for (SseReader.Event e; (e = reader.next()) != null; ) {
            events.add(e);
        }
        return events;
    }

    static List<SseReader.Event> parse(String text) throws IOException {
        return all(new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1 << 20));
    }

    @Test
    void dataLinesJoinWithLineFeedsAndOneSpaceAfterTheColonIsDropped() throws IOException {
        assertThat(parse("event: progress\nid: 7\ndata: {\"a\":\ndata:  1}\n\n"))
                .containsExactly(new SseReader.Event("7", true, "progress", "{\"a\":\n 1}"));
    }

    @Test
    void everyLineEndingIsALineEndingEvenWhenACrlfIsSplitBetweenTwoReads() throws IOException {
        String text = "data: one\r\n\r\ndata: two\r\rdata: three\n\ndata: four\r\n\r\n";
        for (int step = 1; step <= 4; step++) {
            assertThat(all(new SseReader(trickle(text, step), 1 << 20))).extracting(SseReader.Event::data)
                    .as("read %d bytes at a time", step).containsExactly("one", "two", "three", "four");
        }
    }

    @Test
    void commentsAndUnknownFieldsAreIgnoredAndAFieldWithoutAColonHasAnEmptyValue() throws IOException {
        assertThat(parse(": heartbeat\n\nfoo: bar\ndata\n\n:another\ndata:x\n\n"))
                .extracting(SseReader.Event::data).containsExactly("", "x");
    }

    @Test
    void theTypeDefaultsToMessageAndAnEventWithoutDataIsNotDispatched() throws IOException {
        assertThat(parse("event: lonely\n\ndata: d\n\n"))
                .containsExactly(new SseReader.Event("", false, "message", "d"));
    }

    @Test
    void theLastEventIdPersistsToLaterEventsWhichDoNotOwnIt() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(
                "id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 9\n\n".getBytes(StandardCharsets.UTF_8)), 1 << 20);
        assertThat(all(reader)).containsExactly(new SseReader.Event("1", true, "message", "a"),
                new SseReader.Event("1", false, "message", "b"), new SseReader.Event("", true, "message", "c"));
        assertThat(reader.lastEventId()).as("an id-only event still moves the resume point").isEqualTo("9");
    }

    @Test
    void anIdHoldingNulIsIgnored() throws IOException {
        assertThat(parse("id: 3\ndata: a\n\nid: 4\u0000\ndata: b\n\n")).extracting(SseReader.Event::id)
                .containsExactly("3", "3");
    }

    @Test
    void retryTakesAsciiDigitsOnly() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream("retry: 1500\ndata: a\n\n".getBytes(StandardCharsets.UTF_8)), 1 << 20);
        reader.next();
        assertThat(reader.retryMillis()).isEqualTo(1500);
        reader = new SseReader(new ByteArrayInputStream("retry: 1.5\ndata: a\n\nretry: x1\n\n".getBytes(StandardCharsets.UTF_8)), 1 << 20);
        all(reader);
        assertThat(reader.retryMillis()).isEqualTo(-1);
    }

    @Test
    void aLeadingByteOrderMarkIsDroppedAndUtf8IsDecoded() throws IOException {
        assertThat(parse("\uFEFFdata: caf\u00e9 \u2713\n\n")).extracting(SseReader.Event::data).containsExactly("caf\u00e9 \u2713");
    }

    @Test
    void anEventCutByTheEndOfTheStreamIsNeverDispatched() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream("id: 1\ndata: a\n\nid: 2\ndata: b\n".getBytes(StandardCharsets.UTF_8)), 1 << 20);
        assertThat(all(reader)).extracting(SseReader.Event::data).containsExactly("a");
        assertThat(reader.lastEventId()).as("resume after the last event dispatched").isEqualTo("1");
    }

    @Test
    void anEventLargerThanTheLimitFailsTheStreamInsteadOfFillingTheHeap() {
        SseReader reader = new SseReader(new ByteArrayInputStream(("data: " + "x".repeat(100) + "\n").repeat(10)
                .getBytes(StandardCharsets.UTF_8)), 500);
        assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("larger than 500 bytes");
    }
}
