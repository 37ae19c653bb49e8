package dev.baton.tls;

/**
 * Whether the server asks clients for a certificate (mutual TLS).
 *
 * <pre>{@code TlsConfig.builder().clientAuth(ClientAuth.REQUIRE).clientTrust(Path.of("clients-ca.pem"))}</pre>
 */
public enum ClientAuth {
    /** Never asks (the default). */
    NONE,
    /** Asks; a client without one is served, one with an untrusted one is refused. */
    OPTIONAL,
    /** Asks; a client without a trusted certificate fails the handshake. */
    REQUIRE
}
