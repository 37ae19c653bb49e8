package dev.baton.tls;

/**
 * Which TLS implementation the server uses.
 *
 * <pre>{@code TlsConfig.builder().provider(TlsProvider.JDK)}</pre>
 */
public enum TlsProvider {
    /** OpenSSL (BoringSSL through Netty's {@code netty-tcnative-boringssl-static}) when it loads, the JDK's otherwise. */
    AUTO,
    /** OpenSSL, or the server refuses to start (saying why it did not load). */
    OPENSSL,
    /** The JDK's {@code SSLEngine}. */
    JDK
}
