package dev.baton.staticfiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.LogCapture;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file request is a request like any other: logged with its route and the bytes that left, counted, and drained on stop. */
class StaticFilesObservedTest {
    private static final Pattern LINE = Pattern.compile("GET (\\S+) (\\d{3}) bytes=(\\d+) .* route=(\\S+) .*");

    @TempDir
    Path dir;

    @Test
    void theAccessLogNamesTheMountAndCountsTheFileOrItsCompressedStream() throws Exception {
        Site site = new Site(dir);
        try (LogCapture log = LogCapture.start();
             TestServer s = TestServer.start(c -> c.accessLog(true), r -> r.staticFiles("/assets", StaticFiles.directory(site.root)))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                String response = raw.send("GET /assets/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().text();
                Matcher m = LINE.matcher(log.await("dev.baton.access", "/assets/big.bin", Duration.ofSeconds(5)));
                assertThat(m.matches()).isTrue();
                assertThat(m.group(2)).isEqualTo("200");
                assertThat(Long.parseLong(m.group(3))).as("head and file").isEqualTo(response.length());
                assertThat(m.group(4)).isEqualTo("/assets/{path...}");
            }
            try (RawHttp raw = new RawHttp(s.port())) {
                String response = raw.send("GET /assets/data.json HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n")
                        .readUntilClosed().text();
                assertThat(response.toLowerCase()).contains("content-encoding: gzip");
                Matcher m = LINE.matcher(log.await("dev.baton.access", "/assets/data.json", Duration.ofSeconds(5)));
                assertThat(m.matches()).isTrue();
                assertThat(Long.parseLong(m.group(3))).as("the compressed stream, framing included").isEqualTo(response.length());
            }
            assertThat(s.server.stats().inFlight()).isZero();
        }
    }
}
