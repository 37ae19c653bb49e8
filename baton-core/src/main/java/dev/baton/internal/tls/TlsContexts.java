package dev.baton.internal.tls;

import dev.baton.tls.ClientAuth;
import dev.baton.tls.TlsConfig;
import dev.baton.tls.TlsProvider;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;

/** Makes a Netty server {@link SslContext} from a {@link TlsConfig}: reads its files, picks its provider. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** Whether {@code provider} means OpenSSL here; OPENSSL that cannot load is an error saying why. */
    public static boolean openSsl(TlsProvider provider) {
        return switch (provider) {
            case JDK -> false;
            case AUTO -> OpenSsl.isAvailable();
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("TLS provider OPENSSL is not available (add io.netty:netty-tcnative-boringssl-static "
                            + "for this platform, or use AUTO or JDK): " + OpenSsl.unavailabilityCause(), OpenSsl.unavailabilityCause());
                }
                yield true;
            }
        };
    }

    /** What runs the handshakes, for the startup line. */
    public static String describe(boolean openSsl) {
        return openSsl ? "OpenSSL (" + OpenSsl.versionString() + ")" : "the JDK's SSLEngine";
    }

    /** The key and chain {@code config} names, checked to be a pair. */
    public static TlsCredentials credentials(TlsConfig config) {
        try {
            return TlsCredentials.load(config);
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS: cannot load the certificate from " + config.files() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A server context for {@code credentials}, with {@code config}'s protocols, ciphers and client
     * authentication, advertising {@code alpn} in order.
     *
     * @throws IllegalArgumentException when they make no usable context
     */
    public static SslContext load(TlsConfig config, boolean openSsl, List<String> alpn, TlsCredentials credentials) {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(credentials.key(), credentials.chain())
                    .sslProvider(openSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(config.protocols())
                    .ciphers(config.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                    // NO_ADVERTISE + ACCEPT: the one pair both providers support; a client offering none of ours gets http/1.1
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn))
                    .clientAuth(switch (config.clientAuth()) {
                        case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
                        case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
                        case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
                    });
            if (config.clientAuth() != ClientAuth.NONE) {
                b.trustManager(config.clientTrust().toFile());
            }
            SslContext context = b.build();
            if (context.cipherSuites().isEmpty()) {
                throw new IllegalArgumentException("none of the ciphers " + config.ciphers() + " is supported by "
                        + describe(openSsl));
            }
            return context;
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS: cannot make a context from " + config.files() + ": " + e.getMessage(), e);
        }
    }
}
