package dev.baton.staticfiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request target of {@code traversal-corpus.txt} against a real server whose mounted root
 * has a secret file just outside it (and links to it inside): each gets 400 or 404, never the secret.
 */
class TraversalCorpusTest {
    @TempDir
    Path dir;

    static List<String> corpus() throws IOException {
        try (InputStream in = TraversalCorpusTest.class.getResourceAsStream("traversal-corpus.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    @Test
    void noEncodedDoubleEncodedOverlongOrLinkedTraversalReachesAFileOutsideTheRoot() throws Exception {
        Site site = new Site(dir);
        List<String> attempts = corpus();
        assertThat(attempts).hasSizeGreaterThan(60);
        for (boolean followLinks : new boolean[] {false, true}) {
            StaticFiles files = StaticFiles.builder().directory(site.root).followSymlinks(followLinks).index("index.html").build();
            try (TestServer s = TestServer.start(r -> r.staticFiles("/assets", files))) {
                for (String target : attempts) {
                    if (followLinks && target.equals("/assets/inner-link")) {
                        continue; // a link inside the root, to a file inside it: served when links are followed
                    }
                    try (RawHttp raw = new RawHttp(s.port())) {
                        String answer = raw.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                                .readUntilClosed().text();
                        assertThat(answer).as(target).doesNotContain(Site.SECRET);
                        assertThat(answer).as(target).matches("(?s)HTTP/1\\.1 (400|404) .*");
                    }
                }
                // the same server does serve the root's own files
                assertThat(s.get("/assets/hello.txt").body()).isEqualTo(Site.HELLO);
            }
        }
    }
}
