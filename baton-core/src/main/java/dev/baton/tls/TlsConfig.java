package dev.baton.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The server's TLS settings, immutable once built: where its certificate comes from (PEM files
 * or a keystore), which protocols and ciphers it accepts, which TLS implementation runs it, and
 * how long a handshake may take. Defaults are the modern ones: TLS 1.3 and 1.2, AEAD ciphers
 * with forward secrecy only.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.builder().certificateChain(Path.of("cert.pem")).privateKey(Path.of("key.pem")).build();
 * Server.builder().config(c -> c.port(8443).tls(tls))
 * }</pre>
 *
 * In {@code baton.yaml} the same settings are keys under {@code server.tls}
 * ({@code server.tls.certificateChain: /etc/baton/cert.pem}).
 */
public final class TlsConfig {
    /** The protocols accepted by default, and the only ones that may be configured. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /**
     * The cipher suites accepted by default: TLS 1.3's, then for TLS 1.2 ECDHE key exchange
     * (forward secrecy) with an AEAD cipher, as Mozilla's "intermediate" profile. Suites the
     * provider lacks are left out.
     */
    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final Path certificateChain;
    private final Path privateKey;
    private final String privateKeyPassword;
    private final Path keyStore;
    private final String keyStorePassword;
    private final String keyStoreType;
    private final List<String> protocols;
    private final List<String> ciphers;
    private final TlsProvider provider;
    private final Duration handshakeTimeout;
    private final Duration reloadInterval;
    private final ClientAuth clientAuth;
    private final Path clientTrust;

    private TlsConfig(Builder b) {
        certificateChain = b.certificateChain;
        privateKey = b.privateKey;
        privateKeyPassword = b.privateKeyPassword;
        keyStore = b.keyStore;
        keyStorePassword = b.keyStorePassword;
        keyStoreType = b.keyStoreType != null ? b.keyStoreType
                : keyStore != null && keyStore.toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
        protocols = List.copyOf(b.protocols);
        ciphers = List.copyOf(b.ciphers);
        provider = b.provider;
        handshakeTimeout = b.handshakeTimeout;
        reloadInterval = b.reloadInterval;
        clientAuth = b.clientAuth;
        clientTrust = b.clientTrust;
        boolean pem = certificateChain != null || privateKey != null;
        require(pem != (keyStore != null), "TLS needs a certificate: either certificateChain and privateKey (PEM files) "
                + "or keyStore, not both");
        require(!pem || certificateChain != null && privateKey != null, "TLS from PEM files needs both certificateChain and privateKey");
        require(privateKeyPassword == null || pem, "privateKeyPassword is for an encrypted privateKey; with a keyStore use keyStorePassword");
        requireFile("certificateChain", certificateChain);
        requireFile("privateKey", privateKey);
        requireFile("keyStore", keyStore);
        requireFile("clientTrust", clientTrust);
        require(!protocols.isEmpty() && DEFAULT_PROTOCOLS.containsAll(protocols),
                "protocols must be some of " + DEFAULT_PROTOCOLS + " (older ones are broken): " + protocols);
        require(!ciphers.isEmpty(), "ciphers must name at least one cipher suite");
        require(provider != null, "provider is required");
        require(handshakeTimeout != null && handshakeTimeout.toMillis() > 0,
                "handshakeTimeout must be positive: a client that never finishes its handshake would hold a connection forever");
        require(reloadInterval != null && (reloadInterval.isZero() || reloadInterval.toMillis() >= 1000),
                "reloadInterval must be 0 (off) or at least 1s");
        require(clientAuth != null, "clientAuth is required");
        require((clientAuth == ClientAuth.NONE) == (clientTrust == null),
                "clientAuth OPTIONAL or REQUIRE needs clientTrust (the PEM certificates of the CAs that sign client certificates), "
                        + "and clientTrust needs one of them");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("TLS: " + message);
        }
    }

    private static void requireFile(String setting, Path file) {
        require(file == null || Files.isRegularFile(file) && Files.isReadable(file),
                setting + " " + file + " is not a readable file");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The PEM file of the server's certificate, then its intermediates; null with a keystore. */
    public Path certificateChain() {
        return certificateChain;
    }

    /** The PEM file of the private key in PKCS#8 ({@code BEGIN PRIVATE KEY} or {@code BEGIN ENCRYPTED PRIVATE KEY}); null with a keystore. */
    public Path privateKey() {
        return privateKey;
    }

    /** The password of an encrypted {@link #privateKey()}; null when it is not encrypted. */
    public String privateKeyPassword() {
        return privateKeyPassword;
    }

    /** The keystore holding the private key and its chain; null with PEM files. */
    public Path keyStore() {
        return keyStore;
    }

    /** The keystore's password (also the key's); null for none. */
    public String keyStorePassword() {
        return keyStorePassword;
    }

    /** {@code PKCS12} (the default) or {@code JKS} (the default for a {@code .jks} file). */
    public String keyStoreType() {
        return keyStoreType;
    }

    /** The protocols accepted, {@code TLSv1.3} and {@code TLSv1.2} by default. */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites accepted (IANA names), {@link #DEFAULT_CIPHERS} by default. */
    public List<String> ciphers() {
        return ciphers;
    }

    /** Which TLS implementation runs the handshakes, {@link TlsProvider#AUTO} by default. */
    public TlsProvider provider() {
        return provider;
    }

    /** How long a client has from connecting to finishing its handshake; past it, the connection is closed. 10 s by default. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** How often the certificate files are checked for a change (then reloaded); zero (the default) for never. */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    /** Whether clients are asked for a certificate, {@link ClientAuth#NONE} by default. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The PEM certificates of the CAs trusted to sign client certificates; null unless {@link #clientAuth()} asks for them. */
    public Path clientTrust() {
        return clientTrust;
    }

    /** The files the certificate and trust come from, the ones a reload reads again. */
    public List<Path> files() {
        return java.util.stream.Stream.of(certificateChain, privateKey, keyStore, clientTrust).filter(Objects::nonNull).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsConfig o && Objects.equals(certificateChain, o.certificateChain)
                && Objects.equals(privateKey, o.privateKey) && Objects.equals(privateKeyPassword, o.privateKeyPassword)
                && Objects.equals(keyStore, o.keyStore) && Objects.equals(keyStorePassword, o.keyStorePassword)
                && keyStoreType.equals(o.keyStoreType) && protocols.equals(o.protocols) && ciphers.equals(o.ciphers)
                && provider == o.provider && handshakeTimeout.equals(o.handshakeTimeout) && reloadInterval.equals(o.reloadInterval)
                && clientAuth == o.clientAuth && Objects.equals(clientTrust, o.clientTrust);
    }

    @Override
    public int hashCode() {
        return Objects.hash(certificateChain, privateKey, keyStore, keyStoreType, protocols, ciphers, provider,
                handshakeTimeout, reloadInterval, clientAuth, clientTrust);
    }

    /** Without the passwords. */
    @Override
    public String toString() {
        return "TlsConfig[" + (keyStore != null ? "keyStore=" + keyStore + " (" + keyStoreType + ")"
                : "certificateChain=" + certificateChain + ", privateKey=" + privateKey)
                + ", protocols=" + protocols + ", provider=" + provider + ", handshakeTimeout=" + handshakeTimeout
                + ", reloadInterval=" + reloadInterval + ", clientAuth=" + clientAuth
                + (clientTrust == null ? "" : ", clientTrust=" + clientTrust) + "]";
    }

    /** Fluent builder with the documented defaults; a certificate (PEM files or a keystore) is required. */
    public static final class Builder {
        private Path certificateChain;
        private Path privateKey;
        private String privateKeyPassword;
        private Path keyStore;
        private String keyStorePassword;
        private String keyStoreType;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> ciphers = DEFAULT_CIPHERS;
        private TlsProvider provider = TlsProvider.AUTO;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration reloadInterval = Duration.ZERO;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private Path clientTrust;

        Builder() {
        }

        Builder(TlsConfig c) {
            certificateChain = c.certificateChain;
            privateKey = c.privateKey;
            privateKeyPassword = c.privateKeyPassword;
            keyStore = c.keyStore;
            keyStorePassword = c.keyStorePassword;
            keyStoreType = c.keyStoreType;
            protocols = c.protocols;
            ciphers = c.ciphers;
            provider = c.provider;
            handshakeTimeout = c.handshakeTimeout;
            reloadInterval = c.reloadInterval;
            clientAuth = c.clientAuth;
            clientTrust = c.clientTrust;
        }

        /** The PEM file of the certificate chain, the server's own first. */
        public Builder certificateChain(Path v) { certificateChain = v; return this; }
        /** The PEM file of the PKCS#8 private key. */
        public Builder privateKey(Path v) { privateKey = v; return this; }
        /** The password of an encrypted private key. */
        public Builder privateKeyPassword(String v) { privateKeyPassword = v; return this; }
        /** A PKCS12 or JKS keystore instead of PEM files. */
        public Builder keyStore(Path v) { keyStore = v; return this; }
        public Builder keyStorePassword(String v) { keyStorePassword = v; return this; }
        /** {@code PKCS12} or {@code JKS}; by default from the file's name ({@code .jks} is JKS, anything else PKCS12). */
        public Builder keyStoreType(String v) { keyStoreType = v; return this; }
        /** Some of {@code TLSv1.3}, {@code TLSv1.2}. */
        public Builder protocols(String... v) { protocols = List.of(v); return this; }
        /** Cipher suites by IANA name, in order of preference. */
        public Builder ciphers(String... v) { ciphers = List.of(v); return this; }
        public Builder provider(TlsProvider v) { provider = v; return this; }
        public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
        /** Check the certificate files this often and serve new connections with the new certificate once they change; 0 for never. */
        public Builder reloadInterval(Duration v) { reloadInterval = v; return this; }
        public Builder clientAuth(ClientAuth v) { clientAuth = v; return this; }
        /** The PEM file of the CA certificates that client certificates must chain to. */
        public Builder clientTrust(Path v) { clientTrust = v; return this; }

        /** @throws IllegalArgumentException naming the setting that is missing or wrong */
        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
