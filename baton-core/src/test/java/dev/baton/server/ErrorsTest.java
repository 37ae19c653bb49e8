package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.http.HttpException;
import dev.baton.http.Problem;
import dev.baton.support.TestServer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    static final class GizmoGone extends RuntimeException {
        GizmoGone(String m) {
            super(m);
        }
    }

    @Test
    void exceptionsBecomeProblemResponsesWithoutStackTraces() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/boom", ctx -> {
                throw new IllegalStateException("secret internals");
            });
            r.get("/async-boom", ctx -> CompletableFuture.failedFuture(new IllegalStateException("secret")));
            r.get("/teapot", ctx -> {
                throw new HttpException(418, "short and stout");
            });
            r.get("/async-conflict", ctx -> CompletableFuture.supplyAsync(() -> {
                throw new HttpException(409, "already there");
            }));
        })) {
            var boom = s.get("/boom");
            assertThat(boom.statusCode()).isEqualTo(500);
            assertThat(boom.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(boom.body()).doesNotContain("secret", "at dev.", "IllegalStateException");
            assertThat(s.get("/async-boom").statusCode()).isEqualTo(500);
            var teapot = s.get("/teapot");
            assertThat(teapot.statusCode()).isEqualTo(418);
            assertThat(teapot.body()).contains("\"detail\":\"short and stout\"");
            var conflict = s.get("/async-conflict");
            assertThat(conflict.statusCode()).isEqualTo(409);
            assertThat(conflict.body()).contains("\"title\":\"Conflict\"");
        }
    }

    @Test
    void thrownStatusesGetTheirRegisteredPhraseAndTheFieldsTheyRequire() throws Exception {
        try (TestServer s = TestServer.start(c -> c.retryAfter(java.time.Duration.ofSeconds(7)), r -> {
            r.get("/status/{n}", ctx -> {
                throw new HttpException(ctx.request().path("n").asInt(), "as asked");
            });
            r.put("/status/{n}", ctx -> "put");
        })) {
            var legal = s.get("/status/451");
            assertThat(legal.body()).contains("\"title\":\"Unavailable For Legal Reasons\"");
            assertThat(s.get("/status/416").body()).contains("\"title\":\"Range Not Satisfiable\"");
            assertThat(s.get("/status/507").body()).contains("\"title\":\"Insufficient Storage\"");

            var unavailable = s.get("/status/503");
            assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("7");
            var notAllowed = s.get("/status/405");
            assertThat(notAllowed.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS, PUT");
        }
        try (TestServer s = TestServer.start(r -> r.get("/big", ctx -> {
            throw new HttpException(413, "too big");
        })); dev.baton.support.RawHttp raw = new dev.baton.support.RawHttp(s.port())) {
            // the status line's phrase is RFC 9110's, as the problem's title is
            assertThat(raw.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 413 Content Too Large\r\n").contains("\"title\":\"Content Too Large\"");
        }
    }

    @Test
    void aProblemBodyAlwaysCarriesTheStatusOfItsResponse() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/mismatch", ctx -> dev.baton.http.Response.status(400).problem(Problem.of(409, "said twice")));
            r.get("/custom", ctx -> dev.baton.http.Response.status(422)
                    .problem(new Problem("https://example.com/out-of-stock", "Out of stock", 409, "none left", null, null)));
            r.get("/typed", ctx -> dev.baton.http.Response.status(400)
                    .problem(new Problem("https://example.com/conflict", "Conflict", 409, "a type's own title", null, null)));
            r.get("/unregistered", ctx -> {
                throw new HttpException(499, "an unregistered code");
            });
        })) {
            var mismatch = s.get("/mismatch");
            assertThat(mismatch.statusCode()).isEqualTo(400);
            assertThat(mismatch.body()).contains("\"status\":400", "\"title\":\"Bad Request\"", "said twice")
                    .doesNotContain("409", "Conflict");
            var custom = s.get("/custom");
            assertThat(custom.statusCode()).isEqualTo(422);
            assertThat(custom.body()).contains("\"status\":422", "\"title\":\"Out of stock\"");
            // a problem type's title is the type's, not the status's: it stays
            assertThat(s.get("/typed").body()).contains("\"title\":\"Conflict\"", "\"status\":400");
            assertThat(s.get("/unregistered").body()).contains("\"title\":\"Client Error\"");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Problem.of(409, "x").with("status", 999))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("standard problem member");
        assertThat(Problem.of(409, "x").with("balance", 30).extensions()).containsEntry("balance", 30);
    }

    @Test
    void registeredMappersWinForTheirTypeAndSubtypes() throws Exception {
        Server server = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1"))
                .exceptionMapper(GizmoGone.class, (e, ctx) -> Problem.of(410, e.getMessage()).toResponse())
                .routing(r -> r.get("/gone", ctx -> CompletableFuture.failedFuture(new GizmoGone("melted"))))
                .build().start();
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            var res = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + "/gone")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(410);
            assertThat(res.body()).contains("melted");
        } finally {
            server.stop();
        }
    }
}
