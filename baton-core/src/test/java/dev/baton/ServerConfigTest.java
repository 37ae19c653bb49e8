package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every setting has its builder setter, and equals, hashCode, toString and toBuilder all carry it. */
class ServerConfigTest {

    /** A valid value of the field's type, other than {@code current}. */
    private static Object another(Field f, Object current) {
        Class<?> type = f.getType();
        if (type == int.class) {
            return (Integer) current + 1;
        } else if (type == long.class) {
            return (Long) current + 1;
        } else if (type == boolean.class) {
            return !(Boolean) current;
        } else if (type == Duration.class) {
            return ((Duration) current).plusSeconds(1);
        } else if (type.isEnum()) {
            Object[] values = type.getEnumConstants();
            return values[(((Enum<?>) current).ordinal() + 1) % values.length];
        } else if (type == String.class) {
            return switch (f.getName()) {
                case "host" -> "127.0.0.1";
                case "livenessPath", "readinessPath" -> "/" + f.getName();
                default -> current + "x";
            };
        } else if (type == dev.baton.tls.TlsConfig.class) {
            return dev.baton.tls.TlsConfig.builder().certificateChain(resource("/tls/server-a.pem"))
                    .privateKey(resource("/tls/server-a.key")).build();
        }
        if (type == Http2Config.class) {
            Http2Config h = (Http2Config) current;
            return new Http2Config(!h.enabled(), h.maxConcurrentStreams() + 1, h.initialWindowSize() + 1, h.maxFrameSize() + 1,
                    h.maxResetsPerWindow() + 1, h.resetWindow().plusSeconds(1), h.maxQueuedControlFrames() + 1,
                    h.maxEmptyDataFrames() + 1, h.maxSmallContinuationFrames() + 1, h.maxConnectionBodyBytes() + 1);
        }
        throw new AssertionError("no other value known for " + f.getName() + " of " + type + ": add one here");
    }

    private static java.nio.file.Path resource(String name) {
        try {
            return java.nio.file.Path.of(ServerConfigTest.class.getResource(name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everySettingHasASetterAndCountsInEqualsHashCodeToStringAndToBuilder() throws Exception {
        ServerConfig base = ServerConfig.builder().build();
        int settings = 0;
        for (Field f : ServerConfig.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            settings++;
            f.setAccessible(true);
            Object other = another(f, f.get(base));
            Method setter = ServerConfig.Builder.class.getMethod(f.getName(), f.getType());
            ServerConfig.Builder b = base.toBuilder();
            setter.invoke(b, other);
            ServerConfig changed = b.build();
            assertThat(f.get(changed)).as(f.getName()).isEqualTo(other);
            assertThat(changed).as(f.getName() + " in equals").isNotEqualTo(base);
            assertThat(changed.hashCode()).as(f.getName() + " in hashCode").isNotEqualTo(base.hashCode());
            assertThat(changed.toString()).as(f.getName() + " in toString").contains(f.getName() + "=" + other);
            assertThat(changed.toBuilder().build()).as(f.getName() + " in toBuilder").isEqualTo(changed);
        }
        assertThat(settings).isGreaterThanOrEqualTo(30);
    }

    @Test
    void eachHttp2SetterSetsItsPartOfTheHttp2Settings() {
        Http2Config h = ServerConfig.builder().http2(false).http2MaxConcurrentStreams(7).http2InitialWindowSize(1000)
                .http2MaxFrameSize(20_000).http2MaxResetsPerWindow(9).http2ResetWindow(Duration.ofSeconds(3))
                .http2MaxQueuedControlFrames(11).http2MaxEmptyDataFrames(4).http2MaxSmallContinuationFrames(5)
                .http2MaxConnectionBodyBytes(1000).build().http2();
        assertThat(h).isEqualTo(new Http2Config(false, 7, 1000, 20_000, 9, Duration.ofSeconds(3), 11, 4, 5, 1000));
        assertThat(ServerConfig.builder().build().http2()).isEqualTo(Http2Config.DEFAULTS);
    }

    @Test
    void anHttp2FrameSizeOutsideTheRfcRangeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.builder().http2MaxFrameSize(1000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http2MaxFrameSize");
    }
}
