package dev.baton.parsing;

import static dev.baton.parsing.HostileRequests.HOST;
import static dev.baton.parsing.HostileRequests.MAX_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.parsing.HostileRequests.Hostile;
import dev.baton.routing.Handler;
import dev.baton.support.RawHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link HostileRequests} corpus over raw sockets against a real server: each request must
 * get its status as problem+json, and a closed connection, and never reach a handler. Then the
 * slow attacks, and a few well-formed but unusual requests that strictness must not refuse.
 */
class HostileRequestCorpusTest {
    static final Pattern CONTENT_LENGTH = Pattern.compile("\r\ncontent-length: (\\d+)");

    /** Every request that reached a handler of the paths hostile requests aim at; must stay 0. */
    static final AtomicInteger reached = new AtomicInteger();
    static Server server;

    @BeforeAll
    static void start() {
        Handler counting = ctx -> {
            reached.incrementAndGet();
            return "reached " + ctx.request().uri();
        };
        Handler echo = ctx -> ctx.request().method() + " " + ctx.request().uri() + " [" + ctx.request().bodyText() + "]";
        server = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").maxBodySize(MAX_BODY))
                .routing(r -> {
                    for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
                        r.route(method, "/", counting);
                        r.route(method, "/smuggled", counting);
                        r.route(method, "/echo", echo);
                    }
                })
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        assertThat(reached).as("hostile requests that reached a handler").hasValue(0);
    }

    static Stream<Hostile> corpus() {
        return HostileRequests.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void aHostileRequestGetsItsStatusAsProblemJsonAndAClosedConnectionAndNeverReachesAHandler(Hostile c)
            throws IOException {
        RawHttp.Result result;
        try (RawHttp raw = new RawHttp(server.port())) {
            result = raw.send(c.bytes()).readUntilClosed();
        }
        assertRefused(result, c.status());
    }

    static void assertRefused(RawHttp.Result result, int status) {
        assertThat(result.status()).as(result.text()).isEqualTo(status);
        assertThat(result.closed()).as("the server closed the connection").isTrue();
        String text = result.text();
        int headEnd = text.indexOf("\r\n\r\n");
        String head = text.substring(0, headEnd).toLowerCase(Locale.ROOT);
        assertThat(head).contains("\r\ncontent-type: application/problem+json").contains("\r\nconnection: close");
        Matcher length = CONTENT_LENGTH.matcher(head);
        assertThat(length.find()).as(head).isTrue();
        String body = text.substring(headEnd + 4);
        assertThat(body).as("exactly one response, with nothing after it").hasSize(Integer.parseInt(length.group(1)));
        assertThat(body).contains("\"status\":" + status);
        assertThat(reached).as("hostile requests that reached a handler").hasValue(0);
    }

    @Test
    void theCorpusHoldsAtLeastSeventyCases() {
        assertThat(corpus().count()).isGreaterThanOrEqualTo(70);
    }

    @Test
    void aRequestHeadThatDoesNotArriveInTimeGets408() throws IOException {
        try (Server slow = slowlorisGuardedServer(); RawHttp raw = new RawHttp(slow.port())) {
            raw.send("GET / HTTP/1.1\r\n" + HOST);
            assertRefused(raw.readUntilClosed(), 408);
        }
    }

    @Test
    void tricklingHeaderLinesDoesNotExtendTheHeadTimeout() throws IOException {
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try (Server slow = slowlorisGuardedServer(); RawHttp raw = new RawHttp(slow.port())) {
            raw.send("GET / HTTP/1.1\r\n" + HOST);
            drip.scheduleAtFixedRate(() -> {
                try {
                    raw.send("X-Drip: 1\r\n");
                } catch (IOException closed) {
                    throw new UncheckedIOException(closed); // ends the schedule
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            assertRefused(raw.readUntilClosed(), 408);
        } finally {
            drip.shutdownNow();
        }
    }

    @Test
    void anIdleConnectionIsClosedWithoutAResponse() throws IOException {
        try (Server slow = slowlorisGuardedServer(); RawHttp raw = new RawHttp(slow.port())) {
            RawHttp.Result result = raw.readUntilClosed();
            assertThat(result.closed()).isTrue();
            assertThat(result.text()).isEmpty();
        }
    }

    @Test
    void aBodyThatStopsArrivingGets408AndAClosedConnection() throws IOException {
        try (Server slow = slowlorisGuardedServer(); RawHttp raw = new RawHttp(slow.port())) {
            RawHttp.Result result = raw.send("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 10\r\n\r\nabc")
                    .readUntilClosed();
            assertRefused(result, 408);
        }
    }

    /** R.U.D.Y.: a body trickled one byte at a time, each read in time for the idle timer, still gets 408. */
    @Test
    void aBodyTrickledBelowTheMinimumRateGets408() throws IOException {
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try (Server slow = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").idleTimeout(Duration.ofSeconds(5))
                        .minRequestBodyRate(100).bodyRateGrace(Duration.ofMillis(300)))
                .routing(r -> r.post("/", ctx -> reached.incrementAndGet()))
                .build().start();
             RawHttp raw = new RawHttp(slow.port())) {
            raw.send("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 1000\r\n\r\n");
            drip.scheduleAtFixedRate(() -> {
                try {
                    raw.send("x"); // 20 bytes a second
                } catch (IOException closed) {
                    throw new UncheckedIOException(closed);
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            RawHttp.Result result = raw.readUntilClosed();
            assertRefused(result, 408);
            assertThat(result.text()).contains("slower than 100 bytes per second");
        } finally {
            drip.shutdownNow();
        }
    }

    /** A small body whose last bytes come late is complete when judged: the minimum rate is for bodies still arriving. */
    @Test
    void theReadThatCompletesABodyIsNeverTooSlow() throws Exception {
        try (Server slow = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").minRequestBodyRate(1000).bodyRateGrace(Duration.ofMillis(100)))
                .routing(r -> r.post("/echo", ctx -> ctx.request().bodyText()))
                .build().start();
             RawHttp raw = new RawHttp(slow.port())) {
            raw.send("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 10\r\n\r\n");
            raw.send("01234");
            CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
                try {
                    raw.send("56789"); // 400 ms later: 10 bytes in 0.4 s is far below 1000 B/s
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS));
            rest.get(5, TimeUnit.SECONDS);
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("0123456789");
        }
    }

    @Test
    void aBodyThatArrivesSteadilyAboveTheMinimumRateIsServed() throws IOException {
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try (Server slow = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").minRequestBodyRate(100).bodyRateGrace(Duration.ofMillis(100)))
                .routing(r -> r.post("/echo", ctx -> ctx.request().body().length))
                .build().start();
             RawHttp raw = new RawHttp(slow.port())) {
            raw.send("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 100\r\n\r\n");
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            drip.scheduleAtFixedRate(() -> {
                if (sent.getAndAdd(10) < 100) {
                    try {
                        raw.send("0123456789"); // 200 bytes a second, over half a second
                    } catch (IOException closed) {
                        throw new UncheckedIOException(closed);
                    }
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("100");
        } finally {
            drip.shutdownNow();
        }
    }

    private static Server slowlorisGuardedServer() {
        return Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").requestHeadTimeout(Duration.ofMillis(300))
                        .idleTimeout(Duration.ofMillis(300)))
                .routing(r -> r.get("/", ctx -> reached.incrementAndGet()))
                .build().start();
    }

    // --- well-formed requests that a too-strict scanner might refuse ---

    @Test
    void aChunkedBodyWithExtensionsAndTrailersIsServed() throws IOException {
        String chunks = "5;name=value;q=\"a \\\"quoted\\\" value\"\r\nhello\r\n"
                + "6 ; ext\r\n world\r\n"
                + "0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n";
        assertThat(firstAnswer("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n" + chunks))
                .startsWith("HTTP/1.1 200").endsWith("POST /echo [hello world]");
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreIgnored() throws IOException {
        assertThat(firstAnswer("\r\n\r\nGET /echo HTTP/1.1\r\n" + HOST + "\r\n"))
                .startsWith("HTTP/1.1 200").endsWith("GET /echo []");
    }

    @Test
    void pipelinedRequestsWithEveryFramingAreAnsweredInOrder() throws IOException {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /echo?n=1 HTTP/1.1\r\n" + HOST + "\r\n"
                    + "POST /echo?n=2 HTTP/1.1\r\n" + HOST + "Content-Length: 3\r\n\r\nabc"
                    + "POST /echo?n=3 HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
                    + "DELETE /echo?n=4 HTTP/1.1\r\n" + HOST + "\r\n");
            assertThat(raw.readResponse()).endsWith("GET /echo?n=1 []");
            assertThat(raw.readResponse()).endsWith("POST /echo?n=2 [abc]");
            assertThat(raw.readResponse()).endsWith("POST /echo?n=3 [de]");
            assertThat(raw.readResponse()).endsWith("DELETE /echo?n=4 []");
        }
    }

    @Test
    void http10WithoutKeepAliveIsServedThenClosed() throws IOException {
        try (RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Result result = raw.send("GET /echo HTTP/1.0\r\n\r\n").readUntilClosed();
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.text()).endsWith("GET /echo []");
            assertThat(result.closed()).isTrue();
        }
    }

    @Test
    void aLaterMinorVersionIsServedAsHttp11() throws IOException {
        // RFC 9110 2.5: a higher minor version of a major version we implement is processed as ours
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /echo?v=2 HTTP/1.2\r\n" + HOST + "\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("GET /echo?v=2 []");
            raw.send("GET /echo?v=9 HTTP/1.9\r\n\r\n"); // still needs Host, as 1.1 does
            assertThat(raw.readUntilClosed().status()).isEqualTo(400);
        }
    }

    @Test
    void http10WithKeepAliveKeepsTheConnection() throws IOException {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /echo?n=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: keep-alive")
                    .endsWith("GET /echo?n=1 []");
            raw.send("POST /echo?n=2 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("POST /echo?n=2 [ok]");
        }
    }

    @Test
    void expectContinueGets100ThenTheResponse() throws IOException {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("POST /echo HTTP/1.1\r\n" + HOST + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 100 Continue\r\n");
            raw.send("hello");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("POST /echo [hello]");
        }
    }

    @Test
    void uriCharactersAndHostFormsThatAreValidAreServed() throws IOException {
        // sub-delims, ':' and '@' in the path; brackets and a pipe in a query, as clients send them
        assertThat(firstAnswer("GET /echo;v=1,(x)*!$'@:~ HTTP/1.1\r\n" + HOST + "\r\n")).startsWith("HTTP/1.1 404");
        assertThat(firstAnswer("GET /echo?a[]=1&b=x|y HTTP/1.1\r\n" + HOST + "\r\n"))
                .startsWith("HTTP/1.1 200").endsWith("GET /echo?a[]=1&b=x|y []");
        for (String host : List.of("localhost:8080", "127.0.0.1", "[::1]:80", "[::1]", "[::]", "[2001:db8::ff00:42:8329]",
                "[::ffff:192.0.2.1]:443", "[1:2:3:4:5:6:7:8]", "[v1.fe80::a+en1]", "xn--caf-dma.example", "a%41b", "")) {
            assertThat(firstAnswer("GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n")).as(host).startsWith("HTTP/1.1 200");
        }
        assertThat(firstAnswer("GET http://[::1]:8080/echo HTTP/1.1\r\n" + HOST + "\r\n")).startsWith("HTTP/1.1 200");
        assertThat(firstAnswer("\r\n".repeat(16) + "GET /echo HTTP/1.1\r\n" + HOST + "\r\n")).startsWith("HTTP/1.1 200");
        // 1*DIGIT: leading zeros, however many, are still the number
        assertThat(firstAnswer("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 00000000000000000003\r\n\r\nabc"))
                .startsWith("HTTP/1.1 200").endsWith("[abc]");
    }

    @Test
    void anUnknownMethodGets501AndAKnownOneThePathDoesNotServe405() throws IOException {
        String unknown = firstAnswer("BREW /echo HTTP/1.1\r\n" + HOST + "\r\n");
        assertThat(unknown).startsWith("HTTP/1.1 501 Not Implemented").contains("application/problem+json");
        // methods are case-sensitive (RFC 9110 9.1): "get" is not GET
        assertThat(firstAnswer("get /echo HTTP/1.1\r\n" + HOST + "\r\n")).startsWith("HTTP/1.1 501");
        assertThat(firstAnswer("PATCH /echo HTTP/1.1\r\n" + HOST + "\r\n")).startsWith("HTTP/1.1 405")
                .containsIgnoringCase("\r\nallow: DELETE, GET, HEAD, OPTIONS, POST, PUT\r\n");
        assertThat(firstAnswer("OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n"))
                .containsIgnoringCase("\r\nallow: DELETE, GET, HEAD, OPTIONS, POST, PUT\r\n");
    }

    @Test
    void anAbsoluteFormTargetIsServed() throws IOException {
        assertThat(firstAnswer("GET http://x/echo?q=1 HTTP/1.1\r\n" + HOST + "\r\n"))
                .startsWith("HTTP/1.1 200").endsWith("GET http://x/echo?q=1 []");
    }

    @Test
    void optionsWithTheAsteriskTargetIsAnswered() throws IOException {
        assertThat(firstAnswer("OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n"))
                .startsWith("HTTP/1.1 204").containsIgnoringCase("\r\nallow: ");
    }

    @Test
    void bodiesOfExactlyTheLimitAreAccepted() throws IOException {
        String body = "b".repeat(MAX_BODY);
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: " + MAX_BODY + "\r\n\r\n" + body
                    + "POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                    + "100\r\n" + body.substring(0, 256) + "\r\n300\r\n" + body.substring(256) + "\r\n0\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("[" + body + "]");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("[" + body + "]");
        }
    }

    @Test
    void repeatedEqualContentLengthsAndObsTextValuesAreAccepted() throws IOException {
        assertThat(firstAnswer("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\nContent-Length: 2\r\n"
                + "X-Name: caf\u00e9\r\nX-Empty:\r\n\r\nok"))
                .startsWith("HTTP/1.1 200").endsWith("POST /echo [ok]");
    }

    /** Sends {@code request} on a new connection and returns the first response. */
    private static String firstAnswer(String request) throws IOException {
        try (RawHttp raw = new RawHttp(server.port())) {
            return raw.send(request).readResponse();
        }
    }
}
