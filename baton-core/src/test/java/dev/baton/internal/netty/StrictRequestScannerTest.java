package dev.baton.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ServerConfig;
import dev.baton.parsing.HostileRequests;
import dev.baton.parsing.HostileRequests.Hostile;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The production decoding chain (scanner, Netty's codec, aggregator) on an {@link EmbeddedChannel}:
 * whatever way the bytes are cut into reads, the same requests and the same refusals come out.
 */
class StrictRequestScannerTest {
    static final ServerConfig CONFIG = ServerConfig.builder().maxBodySize(HostileRequests.MAX_BODY).build();

    /** Valid requests, with every framing and the leniencies RFC 9112 asks for, back to back. */
    static final String PIPELINE = "\r\n"
            + "GET /a?x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 005\r\n\r\nhello"
            + "POST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: , Chunked\r\n\r\n"
            + "5;name=value;q=\"a \\\"quoted\\\" value\"\r\nhello\r\n"
            + "0006 ; ext\r\n world\r\nA\r\n0123456789\r\n"
            + "0\r\nX-Checksum: abc\r\n\r\n"
            + "PUT /d HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\nX-Name: caf\u00e9\r\nX-Empty:\r\n\r\nok"
            + "GET /e HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
            + "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET http://x/f HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /g HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";

    @Test
    void thePipelineDecodesToItsRequests() {
        List<String> out = decode(bytes(PIPELINE));
        assertThat(out).hasSize(8).noneMatch(s -> s.startsWith("rejected"));
        assertThat(out.get(0)).startsWith("GET /a?x=1 HTTP/1.1");
        assertThat(out.get(1)).startsWith("POST /b").endsWith("body=hello");
        assertThat(out.get(2)).startsWith("POST /c").contains("body=hello world0123456789").endsWith("trailer X-Checksum=abc");
        assertThat(out.get(3)).startsWith("PUT /d").endsWith("body=ok");
        assertThat(out.get(7)).startsWith("POST /g").endsWith("body=");
    }

    @Test
    void aPipelineSplitInTwoAtEveryPositionDecodesToTheSameRequests() {
        byte[] all = bytes(PIPELINE);
        List<String> expected = decode(all);
        for (int cut = 1; cut < all.length; cut++) {
            assertThat(decode(all, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    /** Found by fuzzing (RequestParsingFuzzTest): each was refused or served differently depending on where a read ended. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "G H[/1 /o\r(\r\n\r\n", // a CR that ended one read, inside the request line
        "CONNECT Te\r\u00df\u00df\r\nHost: x\r\n\r\n", // a non-ASCII byte in the line of a method we refuse
        "POST / HTTP/1.3\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"})
    void aRequestIsDecodedOrRefusedTheSameWayWhereverItsReadsEnd(String text) {
        byte[] all = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> expected = decode(all);
        for (int cut = 1; cut < all.length; cut++) {
            assertThat(decode(all, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void aLaterMinorVersionIsDecodedAsHttp11SoThatItsChunkedBodyIsAccepted() {
        List<String> out = decode(bytes("POST / HTTP/1.3\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).startsWith("POST / HTTP/1.1").endsWith("body=ok");
    }

    @Test
    void aPipelineFedByteByByteDecodesToTheSameRequests() {
        byte[] all = bytes(PIPELINE);
        assertThat(decode(all, everyByte(all.length))).isEqualTo(decode(all));
    }

    @Test
    void aPipelineInRandomReadsDecodesToTheSameRequests() {
        byte[] all = bytes(PIPELINE);
        List<String> expected = decode(all);
        Random random = new Random(7);
        for (int round = 0; round < 100; round++) {
            int[] cuts = random.ints(1 + random.nextInt(12), 1, all.length).sorted().distinct().toArray();
            assertThat(decode(all, cuts)).as("cuts %s", Arrays.toString(cuts)).isEqualTo(expected);
        }
    }

    @Test
    void aChunkedBodyCutInsideChunkLinesAndCrlfsIsReassembled() {
        byte[] all = bytes("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nX-T: t\r\n\r\n");
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int[] cuts = {text.indexOf("5;a") + 2, text.indexOf("hello") + 5, text.indexOf("hello") + 6,
                text.indexOf("6\r") + 1, text.indexOf("world") + 2, text.indexOf("0\r\nX") + 2, text.indexOf("X-T") + 3};
        assertThat(decode(all, cuts)).singleElement().asString()
                .contains("body=hello world").endsWith("trailer X-T=t");
    }

    static Stream<Hostile> corpus() {
        return HostileRequests.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void aHostileRequestIsRefusedAloneAndTheSameWayWhateverTheReads(Hostile c) {
        byte[] all = c.bytes();
        List<String> whole = decode(all);
        if (c.refusedByScanner()) {
            assertThat(whole).containsExactly("rejected " + c.status());
        } else {
            assertThat(whole).singleElement().asString().doesNotStartWith("rejected");
        }
        // byte by byte, and cut in two everywhere, for the small ones; in small reads and a sample of cuts for the large
        int piece = Math.max(1, all.length / 1024);
        assertThat(decode(all, IntStream.iterate(piece, i -> i < all.length, i -> i + piece).toArray()))
                .as("in reads of %d bytes", piece).isEqualTo(whole);
        int step = all.length <= 256 ? 1 : all.length / 64;
        for (int cut = 1; cut < all.length; cut += step) {
            assertThat(decode(all, cut)).as("cut at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void aRejectionAfterValidRequestsStillLetsThemThrough() {
        String first = "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /third HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nd\r\n0\r\n\r\n";
        byte[] all = bytes(first + "GET /bad HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n");
        List<String> expected = decode(all);
        assertThat(expected).hasSize(4);
        assertThat(expected.get(0)).startsWith("GET /first");
        assertThat(expected.get(1)).startsWith("POST /second").endsWith("body=abc");
        assertThat(expected.get(2)).startsWith("POST /third").endsWith("body=d");
        assertThat(expected.get(3)).isEqualTo("rejected 400");
        for (int cut = 1; cut < all.length; cut++) {
            assertThat(decode(all, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void aRequestRefusedInTheMiddleOfItsChunkedBodyNeverComesOut() {
        EmbeddedChannel ch = channel(CONFIG);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")));
        assertThat(drain(ch)).isEmpty();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("zz\r\n")));
        assertThat(drain(ch)).containsExactly("rejected 400");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void nothingIsReadAfterARejection() {
        EmbeddedChannel ch = channel(CONFIG);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("GET / HTTP/1.1\r\nHost : x\r\n\r\n")));
        assertThat(drain(ch)).containsExactly("rejected 400");
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aHeadThatDoesNotCompleteInTimeIsRefusedWith408() {
        EmbeddedChannel ch = channel(CONFIG.toBuilder().requestHeadTimeout(Duration.ofMillis(300)).build());
        ch.freezeTime();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("GET / HTTP/1.1\r\n")));
        ch.advanceTimeBy(250, TimeUnit.MILLISECONDS);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("Host: x\r\n"))); // more bytes do not restart the clock
        ch.runScheduledPendingTasks();
        assertThat(drain(ch)).isEmpty();
        ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drain(ch)).containsExactly("rejected 408");
        ch.finishAndReleaseAll();
    }

    @Test
    void aHeadThatCompletesInTimeStopsTheClock() {
        EmbeddedChannel ch = channel(CONFIG.toBuilder().requestHeadTimeout(Duration.ofMillis(300)).build());
        ch.freezeTime();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")));
        ch.advanceTimeBy(10, TimeUnit.SECONDS); // a slow body is the idle timeout's business, not the head's
        ch.runScheduledPendingTasks();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("cd")));
        assertThat(drain(ch)).singleElement().asString().endsWith("body=abcd");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void limitsHoldExactlyAtTheirDocumentedValues() {
        ServerConfig tight = ServerConfig.builder().maxRequestLineLength(64).maxHeaderSize(256).maxHeaderCount(5)
                .maxBodySize(16).build();
        String line64 = "GET /" + "a".repeat(64 - "GET / HTTP/1.1".length()) + " HTTP/1.1";
        assertThat(line64).hasSize(64);
        assertLimit(tight, line64 + "\r\nHost: x\r\n\r\n", "GET /a", "a" + line64 + "\r\nHost: x\r\n\r\n", 414);

        String block256 = "Host: x\r\nX-Pad: " + "p".repeat(256 - 9 - 9) + "\r\n"; // field lines with their CRLFs
        assertThat(block256).hasSize(256);
        assertLimit(tight, "GET / HTTP/1.1\r\n" + block256 + "\r\n", "GET /",
                "GET / HTTP/1.1\r\n" + block256.replace("X-Pad: ", "X-Pad: p") + "\r\n", 431);

        String fiveFields = "Host: x\r\n" + "X-F: v\r\n".repeat(4);
        assertLimit(tight, "GET / HTTP/1.1\r\n" + fiveFields + "\r\n", "GET /",
                "GET / HTTP/1.1\r\n" + fiveFields + "X-F: v\r\n\r\n", 431);

        assertLimit(tight, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n" + "b".repeat(16), "POST /",
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n", 413);

        String chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertLimit(tight, chunked + "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n", "POST /",
                chunked + "8\r\n12345678\r\n9\r\n123456789\r\n0\r\n\r\n", 413);
    }

    private static void assertLimit(ServerConfig config, String atLimit, String decodedPrefix, String pastLimit, int status) {
        for (int[] cuts : List.of(new int[0], everyByte(atLimit.length()))) {
            assertThat(decode(config, bytes(atLimit), cuts)).singleElement().asString().startsWith(decodedPrefix);
        }
        for (int[] cuts : List.of(new int[0], everyByte(pastLimit.length()))) {
            assertThat(decode(config, bytes(pastLimit), cuts)).containsExactly("rejected " + status);
        }
    }

    // --- the chain and what comes out of it

    private static EmbeddedChannel channel(ServerConfig config) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ServerInitializer.addRequestDecoding(ch.pipeline(), config);
        ch.pipeline().addLast(new ExceptionsAsMessages());
        return ch;
    }

    /** Where ConnectionHandler would log an exception, passes it on as a message, so that comparisons see it. */
    private static final class ExceptionsAsMessages extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel().isActive()) {
                ctx.fireChannelRead("exception " + cause);
            } // once closing, the aggregator's complaint about a refused partial request is expected
        }
    }

    private static List<String> decode(byte[] all, int... cuts) {
        return decode(CONFIG, all, cuts);
    }

    /** Feeds {@code all} in reads ending at each cut, then describes what came out, request by request. */
    static List<String> decode(ServerConfig config, byte[] all, int... cuts) {
        EmbeddedChannel ch = channel(config);
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : all.length;
            ch.writeInbound(Unpooled.wrappedBuffer(all, from, to - from));
            out.addAll(drain(ch));
            from = to;
        }
        Object written;
        while ((written = ch.readOutbound()) != null) {
            // only 100 Continue may be written by the chain itself, and the pipeline sends no Expect
            ReferenceCountUtil.release(written);
            out.add("wrote " + written);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            try {
                out.add(describe(msg));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return out;
    }

    private static String describe(Object msg) {
        if (msg instanceof RejectedRequest r) {
            return "rejected " + r.status();
        }
        if (msg instanceof String exception) {
            return exception;
        }
        FullHttpRequest req = (FullHttpRequest) msg;
        // Netty's own checks are the second line; the scanner must never let through what they refuse
        assertThat(req.decoderResult().isSuccess()).as("Netty decoded %s", req).isTrue();
        StringBuilder s = new StringBuilder(req.method() + " " + req.uri() + " " + req.protocolVersion());
        req.headers().forEach(h -> s.append(" | ").append(h.getKey()).append('=').append(h.getValue()));
        s.append(" | body=").append(req.content().toString(StandardCharsets.ISO_8859_1));
        req.trailingHeaders().forEach(h -> s.append(" | trailer ").append(h.getKey()).append('=').append(h.getValue()));
        return s.toString();
    }

    private static int[] everyByte(int length) {
        int[] cuts = new int[Math.max(0, length - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
