package dev.baton.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.RawH2;
import dev.baton.support.TestServer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 9113 section 8: a malformed request is a stream error, and the connection goes on. */
class Http2MalformedRequestTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.maxBodySize(16).maxHeaderCount(5), r -> {
            r.get("/x", ctx -> "x");
            r.post("/x", ctx -> ctx.request().bodyText());
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> malformedHeads() {
        return Stream.of(
                Arguments.of("an uppercase field name", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", "X-Upper", "1"}),
                Arguments.of("a connection-specific field", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", "connection", "keep-alive"}),
                Arguments.of("transfer-encoding", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", "transfer-encoding", "chunked"}),
                Arguments.of("upgrade", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", "upgrade", "websocket"}),
                Arguments.of("TE other than trailers", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", "te", "gzip"}),
                Arguments.of("no :method", new String[] {":scheme", "http", ":path", "/x"}),
                Arguments.of("no :path", new String[] {":method", "GET", ":scheme", "http"}),
                Arguments.of("no :scheme", new String[] {":method", "GET", ":path", "/x"}),
                Arguments.of("an empty :path", new String[] {":method", "GET", ":scheme", "http", ":path", ""}),
                Arguments.of("two :method", new String[] {":method", "GET", ":method", "GET", ":scheme", "http", ":path", "/x"}),
                Arguments.of("two :path", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", ":path", "/x"}),
                Arguments.of("an unknown pseudo-header", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", ":foo", "bar"}),
                Arguments.of("a response pseudo-header", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", ":status", "200"}),
                Arguments.of("a pseudo-header after a regular field", new String[] {":method", "GET", ":scheme", "http", "accept", "*/*", ":path", "/x"}),
                Arguments.of("Host differing from :authority", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", ":authority", "a.example", "host", "b.example"}),
                Arguments.of("a value with a line feed", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", "x-a", "1\n2"}),
                Arguments.of("a value with a NUL", new String[] {":method", "GET", ":scheme", "http", ":path", "/x", "x-a", "1\u00002"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void aMalformedHeadIsResetWithProtocolErrorAndTheConnectionServesOn(String what, String[] fields) throws Exception {
        try (RawH2 h2 = new RawH2(server.port())) {
            int id = h2.literalHeaders(h2.nextStreamId(), true, fields);
            RawH2.Answer a = h2.answer(id);
            assertThat(a.resetCode()).as(what).isEqualTo(RawH2.PROTOCOL_ERROR);
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsAnswered413() throws Exception {
        try (RawH2 h2 = new RawH2(server.port())) {
            int id = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x").set("content-length", "100"), false);
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.headers().get("content-type").toString()).isEqualTo("application/problem+json");
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
        }
    }

    @Test
    void anUndeclaredBodyThatGrowsPastTheLimitIsAnswered413() throws Exception {
        try (RawH2 h2 = new RawH2(server.port())) {
            int id = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x"), false);
            h2.data(id, new byte[10], false);
            h2.data(id, new byte[10], false);
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(413);
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
        }
    }

    @Test
    void aBodyThatDisagreesWithItsContentLengthIsResetWithProtocolError() throws Exception {
        try (RawH2 h2 = new RawH2(server.port())) {
            int id = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x").set("content-length", "5"), false);
            h2.data(id, new byte[3], true);
            assertThat(h2.answer(id).resetCode()).isEqualTo(RawH2.PROTOCOL_ERROR);
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
        }
    }

    @Test
    void trailersWithAPseudoHeaderAreResetWithProtocolError() throws Exception {
        try (RawH2 h2 = new RawH2(server.port())) {
            int id = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x"), false);
            h2.data(id, new byte[3], false);
            h2.literalHeaders(id, true, ":path", "/y");
            assertThat(h2.answer(id).resetCode()).isEqualTo(RawH2.PROTOCOL_ERROR);
        }
    }

    @Test
    void moreFieldsThanTheLimitAreAnswered431() throws Exception {
        try (RawH2 h2 = new RawH2(server.port())) {
            var head = RawH2.request("GET", "/x");
            for (int i = 0; i < 6; i++) {
                head.add("x-f" + i, "v");
            }
            RawH2.Answer a = h2.answer(h2.headers(h2.nextStreamId(), head, true));
            assertThat(a.status()).isEqualTo(431);
        }
    }

    @Test
    void cookieCrumbsBecomeOneCookieField() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/c", ctx -> ctx.request().header("cookie").asString()));
             RawH2 h2 = new RawH2(s.port())) {
            var head = RawH2.request("GET", "/c").add("cookie", "a=1").add("cookie", "b=2");
            assertThat(h2.answer(h2.headers(h2.nextStreamId(), head, true)).body()).isEqualTo("a=1; b=2");
        }
    }
}
