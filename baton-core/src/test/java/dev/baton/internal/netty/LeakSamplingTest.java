package dev.baton.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.TestServer;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Netty's leak sampling: off for a server unless the application set a level. */
class LeakSamplingTest {
    private static final String LEVEL = "io.netty.leakDetection.level";
    private String property;
    private ResourceLeakDetector.Level level;

    @BeforeEach
    void remember() {
        property = System.getProperty(LEVEL);
        level = ResourceLeakDetector.getLevel();
    }

    @AfterEach
    void restore() {
        if (property == null) {
            System.clearProperty(LEVEL);
        } else {
            System.setProperty(LEVEL, property);
        }
        ResourceLeakDetector.setLevel(level);
    }

    @Test
    void aServerTurnsSamplingOffWhenNoLevelWasAskedFor() throws Exception {
        System.clearProperty(LEVEL);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try (TestServer s = TestServer.start(r -> r.get("/", ctx -> "ok"))) {
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
            assertThat(s.get("/").body()).isEqualTo("ok");
        }
    }

    @Test
    void aLevelSetByPropertyIsKept() throws Exception {
        System.setProperty(LEVEL, "advanced");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.ADVANCED);
        try (TestServer s = TestServer.start(r -> r.get("/", ctx -> "ok"))) {
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.ADVANCED);
        }
    }
}
