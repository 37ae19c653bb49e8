package dev.baton.internal.netty;

import io.netty.channel.epoll.Epoll;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether to use epoll, for the server and the client alike. Since JDK 24 loading a native
 * library without {@code --enable-native-access} prints a warning on stderr (JEP 472), and a
 * later JDK will refuse it: then Baton does not try, and uses NIO, quietly, saying why in the
 * server's start line. With the flag (or {@code Enable-Native-Access: ALL-UNNAMED} in an
 * executable jar's manifest), epoll as before. Not public API.
 */
public final class NativeTransport {
    private static final boolean NATIVE_ACCESS = nativeAccessEnabled();

    private NativeTransport() {
    }

    /** True if epoll may be loaded without a warning and is available. Loads it the first time. */
    public static boolean epoll() {
        return NATIVE_ACCESS && Epoll.isAvailable();
    }

    /** Why {@link #epoll()} is false: a short reason for a log line. */
    public static String whyNot() {
        if (!NATIVE_ACCESS) {
            return "epoll needs --enable-native-access=ALL-UNNAMED";
        }
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "epoll is available" : "epoll is unavailable: " + cause;
    }

    /**
     * True unless this JDK warns about (or refuses) native libraries loaded by Netty's module
     * without native access. {@code Module.isNativeAccessEnabled} exists since JDK 22, and JDK 22
     * and 23 load libraries without a word whatever it says.
     */
    private static boolean nativeAccessEnabled() {
        if (Runtime.version().feature() < 24) {
            return true;
        }
        try {
            MethodHandle enabled = MethodHandles.publicLookup().findVirtual(Module.class, "isNativeAccessEnabled",
                    MethodType.methodType(boolean.class));
            // the module of netty-common, whose NativeLibraryUtil loads the library: the unnamed one on a class path
            return (boolean) enabled.invoke(io.netty.util.internal.PlatformDependent.class.getModule());
        } catch (Throwable unknown) {
            return true; // cannot tell: behave as before
        }
    }
}
