package dev.baton.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.routing.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

class TailParameterTest {
    private static Route get(String pattern) {
        return new Route("GET", pattern, ctx -> null, null, null);
    }

    @Test
    void aTailParameterBindsTheRestOfThePathZeroOrMoreSegments() {
        RouteTable table = new RouteTable(List.of(get("/files/{rest...}")));
        assertThat(table.find("GET", "/files/a/b/c.txt").pathParams()).containsEntry("rest", "a/b/c.txt");
        assertThat(table.find("GET", "/files/one").pathParams()).containsEntry("rest", "one");
        assertThat(table.find("GET", "/files/").pathParams()).containsEntry("rest", "");
        assertThat(table.find("GET", "/files").route()).isNotNull();
        assertThat(table.find("HEAD", "/files/x").route()).as("HEAD finds GET").isNotNull();
        assertThat(table.find("GET", "/other/x").route()).isNull();
    }

    @Test
    void literalsAndParametersBeatATailAndOtherMethodsGet405WithItsMethods() {
        RouteTable table = new RouteTable(List.of(get("/files/{rest...}"), get("/files/special"), get("/files/{id}/meta"),
                new Route("POST", "/files/upload", ctx -> null, null, null)));
        assertThat(table.find("GET", "/files/special").route().pattern()).isEqualTo("/files/special");
        assertThat(table.find("GET", "/files/7/meta").route().pattern()).isEqualTo("/files/{id}/meta");
        assertThat(table.find("GET", "/files/7/other").route().pattern()).isEqualTo("/files/{rest...}");
        assertThat(table.find("GET", "/files/upload").route().pattern()).as("GET falls to the tail").isEqualTo("/files/{rest...}");
        RouteTable.Match delete = table.find("DELETE", "/files/a/b");
        assertThat(delete.route()).isNull();
        assertThat(delete.allowed()).contains("GET", "HEAD");
    }

    @Test
    void aTailMustBeTheLastSegmentAndNamed() {
        assertThatThrownBy(() -> new RouteTable(List.of(get("/files/{rest...}/x")))).hasMessageContaining("last segment");
        assertThatThrownBy(() -> new RouteTable(List.of(get("/files/{...}")))).hasMessageContaining("tail parameter");
    }
}
