/**
 * TLS for the server: {@link dev.baton.tls.TlsConfig} (certificates from PEM files or a
 * keystore, protocols, ciphers, provider, handshake timeout, reload, client certificates) and
 * {@link dev.baton.tls.TlsSession}, what a connection negotiated.
 *
 * <pre>{@code
 * Server.builder().config(c -> c.port(8443).tls(TlsConfig.builder()
 *         .certificateChain(Path.of("cert.pem")).privateKey(Path.of("key.pem")).build()))
 * }</pre>
 */
package dev.baton.tls;
