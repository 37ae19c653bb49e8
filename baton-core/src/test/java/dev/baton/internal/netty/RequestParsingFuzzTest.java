package dev.baton.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.ServerConfig;
import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.Route;
import java.util.List;

/**
 * Fuzz targets of the request path (Jazzer). Under {@code ./baton test} they run in regression
 * mode: the seed corpus checked in under {@code src/test/resources/dev/baton/internal/netty/
 * RequestParsingFuzzTestInputs/<method>/} plus whatever earlier campaigns found. A campaign:
 * {@code JAZZER_FUZZ=1 mvn test -pl baton-core -Dtest=RequestParsingFuzzTest#requestBytes}
 * (bounded with {@code -Djazzer.max_duration=10m}, its findings land in that directory).
 */
class RequestParsingFuzzTest {
    private static final ServerConfig CONFIG = StrictRequestScannerTest.CONFIG;
    private static final RouteTable ROUTES = new RouteTable(List.of(
            new Route("GET", "/gizmos/{id}", ctx -> "g", null, null),
            new Route("POST", "/gizmos", ctx -> "p", null, null),
            new Route("GET", "/files/**", ctx -> "f", null, null),
            new Route("GET", "/a/b/c", ctx -> "c", null, null)));

    /**
     * Any bytes: the scanner, Netty's decoder and the aggregator never throw, hand on only whole
     * requests Netty agrees with (or refusals), and give the same requests however the bytes are
     * cut into reads.
     */
    @FuzzTest(maxDuration = "30s")
    void requestBytes(FuzzedDataProvider data) {
        int cut = data.consumeInt(0, 4096);
        byte[] all = data.consumeRemainingAsBytes();
        List<String> whole = StrictRequestScannerTest.decode(CONFIG, all);
        int at = Math.min(cut, all.length);
        List<String> split = at <= 0 || at >= all.length ? whole : StrictRequestScannerTest.decode(CONFIG, all, at);
        assertThat(split).isEqualTo(whole);
    }

    /**
     * Any target the request line lets through (visible ASCII: the scanner refuses the rest):
     * parsed, or refused with IllegalArgumentException (a 400), never anything else.
     */
    @FuzzTest(maxDuration = "30s")
    void requestTarget(FuzzedDataProvider data) {
        String method = data.pickValue(new String[] {"GET", "OPTIONS", "POST"});
        String target = data.consumeRemainingAsAsciiString();
        String lower = target.toLowerCase(java.util.Locale.ROOT);
        boolean form = target.startsWith("/") || target.equals("*") || lower.startsWith("http://") || lower.startsWith("https://");
        if (!form || !visibleAscii(target)) {
            return; // the request line refuses any other form and any other byte
        }
        RequestTarget t;
        try {
            t = RequestTarget.parse(method, target);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(t.rawPath()).satisfiesAnyOf(p -> assertThat(p).startsWith("/"), p -> assertThat(p).isEqualTo("*"),
                p -> assertThat(p).isEqualTo(target));
        assertThat(t.path().chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
        assertThat(t.rawPath()).doesNotContain("/../").doesNotEndWith("/..");
    }

    /**
     * Any path the request line lets through: the route table finds a route or none, or refuses
     * it with IllegalArgumentException (a 400: a segment not UTF-8 once decoded), never anything
     * else, and every path parameter has a value.
     */
    @FuzzTest(maxDuration = "30s")
    void routing(FuzzedDataProvider data) {
        String method = data.pickValue(new String[] {"GET", "POST", "PUT", "HEAD"});
        String path = "/" + data.consumeRemainingAsAsciiString();
        if (!visibleAscii(path)) {
            return;
        }
        RouteTable.Match m;
        try {
            m = ROUTES.find(method, path);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(m).isNotNull();
        assertThat(m.pathParams().values()).doesNotContainNull();
        if (m.route() != null) {
            assertThat(m.allowed()).isNotEmpty();
        }
    }

    private static boolean visibleAscii(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
