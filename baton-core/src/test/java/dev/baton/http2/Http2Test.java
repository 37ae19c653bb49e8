package dev.baton.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.Response;
import dev.baton.support.RawH2;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Http2Test {

    @Test
    void aClientWithPriorKnowledgeGetsItsAnswerOverHttp2() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/hello", ctx -> Map.of("message", "hi", "protocol", ctx.request().protocol())));
             RawH2 h2 = new RawH2(s.port())) {
            RawH2.Answer a = h2.answer(h2.send("GET", "/hello"));
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.headers().get("content-type").toString()).startsWith("application/json");
            assertThat(a.body()).contains("\"message\":\"hi\"").contains("HTTP/2.0");
            assertThat(a.headers().get("content-length").toString()).isEqualTo(String.valueOf(a.body().length()));
            assertThat(a.headers().contains("connection")).isFalse();
        }
    }

    @Test
    void curlWithPriorKnowledgeSpeaksHttp2ToIt() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/echo", ctx -> ctx.request().protocol() + " " + ctx.request().bodyText()))) {
            // an outside client: fails (does not skip) when curl is missing
            Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-w", " v%{http_version}", "--data-binary", "ping",
                    "-H", "content-type: text/plain", "http://127.0.0.1:" + s.port() + "/echo").redirectErrorStream(true).start();
            assertThat(curl.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("HTTP/2.0 ping v2");
        }
    }

    @Test
    void http1StillWorksBesideIt() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/hello", ctx -> "hi"))) {
            assertThat(s.get("/hello").body()).isEqualTo("hi");
            try (RawHttp raw = new RawHttp(s.port())) {
                // a request that starts like the preface but is not it stays HTTP/1.1
                String text = raw.send("PRI * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().text();
                assertThat(text).startsWith("HTTP/1.1 ");
            }
        }
    }

    @Test
    void turnedOffThePrefaceIsRefusedAsHttp1() throws Exception {
        try (TestServer s = TestServer.start(c -> c.http2(false), r -> r.get("/hello", ctx -> "hi"));
             RawHttp raw = new RawHttp(s.port())) {
            String text = raw.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").readUntilClosed().text();
            assertThat(text).startsWith("HTTP/1.1 4");
        }
    }

    @Test
    void manyStreamsOnOneConnectionAreServedConcurrently() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/n/{n}", ctx -> ctx.request().path("n").asString()));
             RawH2 h2 = new RawH2(s.port())) {
            int[] ids = new int[50];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = h2.send("GET", "/n/" + i);
            }
            for (int i = ids.length - 1; i >= 0; i--) {
                RawH2.Answer a = h2.answer(ids[i]);
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.body()).isEqualTo(String.valueOf(i));
            }
        }
    }

    @Test
    void aPostBodyArrivesInDataFrames() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/echo", ctx -> ctx.request().bodyText().toUpperCase()));
             RawH2 h2 = new RawH2(s.port())) {
            int id = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/echo").set("content-type", "text/plain"), false);
            h2.data(id, "hello ".getBytes(StandardCharsets.UTF_8), false);
            h2.data(id, "world".getBytes(StandardCharsets.UTF_8), true);
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("HELLO WORLD");
        }
    }

    @Test
    void headGetsTheHeadOnly() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/x", ctx -> Response.ok().text("twelve bytes")));
             RawH2 h2 = new RawH2(s.port())) {
            RawH2.Answer a = h2.answer(h2.send("HEAD", "/x"));
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEmpty();
            assertThat(a.headers().get("content-length").toString()).isEqualTo("12");
        }
    }

    @Test
    void anUnknownPathIsA404ProblemOnItsStreamAndTheConnectionGoesOn() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/x", ctx -> "x"));
             RawH2 h2 = new RawH2(s.port())) {
            RawH2.Answer a = h2.answer(h2.send("GET", "/nope"));
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.headers().get("content-type").toString()).isEqualTo("application/problem+json");
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
        }
    }
}
