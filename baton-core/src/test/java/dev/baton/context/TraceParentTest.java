package dev.baton.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class TraceParentTest {
    static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /** What a handler sees of the request's traceparent. */
    static TestServer echo() {
        return TestServer.start(r -> {
            r.get("/trace", ctx -> ctx.traceParent().map(TraceParent::toString).orElse("none"));
            r.get("/trace-on-loop", ctx -> ctx.traceParent().map(TraceParent::traceId).orElse("none"))
                    .execution(ExecutionModel.EVENT_LOOP);
        });
    }

    HttpResponse<String> getWith(TestServer s, String path, String traceparent) throws Exception {
        return s.send(s.request(path).header("traceparent", traceparent).build());
    }

    @Test
    void aValidTraceparentIsVisibleInTheRequestContext() throws Exception {
        try (TestServer s = echo()) {
            assertThat(getWith(s, "/trace", VALID).body()).isEqualTo(VALID);
            assertThat(getWith(s, "/trace-on-loop", VALID).body()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(s.get("/trace").body()).isEqualTo("none");
        }
    }

    @Test
    void aMalformedTraceparentIsIgnoredAndTheRequestServedAsIfItHadNone() throws Exception {
        String[] malformed = {
            "garbage",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",       // upper case
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",       // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",       // zero parent id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",       // the forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has nothing after its flags
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra",  // a later version's extra needs its dash
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",       // misplaced dash
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
        };
        try (TestServer s = echo()) {
            for (String value : malformed) {
                HttpResponse<String> r = getWith(s, "/trace", value);
                assertThat(r.statusCode()).as(value).isEqualTo(200);
                assertThat(r.body()).as(value).isEqualTo("none");
            }
        }
    }

    @Test
    void aLaterVersionIsReadAsVersion00AndTwoTraceparentFieldsAreAmbiguous() throws Exception {
        try (TestServer s = echo()) {
            assertThat(getWith(s, "/trace", "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds").body())
                    .isEqualTo(VALID);
            try (RawHttp raw = new RawHttp(s.port())) {
                String twice = raw.send("GET /trace HTTP/1.1\r\nHost: x\r\ntraceparent: " + VALID + "\r\ntraceparent: "
                        + VALID.replace("01", "00") + "\r\n\r\n").readResponse();
                assertThat(twice).startsWith("HTTP/1.1 200").endsWith("none");
            }
        }
    }

    @Test
    void aChildKeepsTheTraceAndFlagsWithANewParentAndANewTraceIsSampled() {
        TraceParent parent = TraceParent.parse(VALID).orElseThrow();
        TraceParent child = parent.child();
        assertThat(child.traceId()).isEqualTo(parent.traceId());
        assertThat(child.flags()).isEqualTo("01");
        assertThat(child.parentId()).isNotEqualTo(parent.parentId()).matches("[0-9a-f]{16}");
        assertThat(TraceParent.parse(child.toString())).contains(child);
        TraceParent fresh = TraceParent.newTrace();
        assertThat(fresh.sampled()).isTrue();
        assertThat(fresh.traceId()).isNotEqualTo(parent.traceId()).matches("[0-9a-f]{32}");
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").orElseThrow().sampled()).isFalse();
        assertThatThrownBy(() -> new TraceParent("0".repeat(32), "00f067aa0ba902b7", "01")).isInstanceOf(IllegalArgumentException.class);
    }
}
