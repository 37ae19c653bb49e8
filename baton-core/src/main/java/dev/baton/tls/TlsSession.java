package dev.baton.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a TLS connection negotiated, as a handler sees it ({@code request.tls()}).
 *
 * <pre>{@code request.tls().map(TlsSession::peerCertificates).filter(c -> !c.isEmpty()).map(c -> c.getFirst().getSubjectX500Principal())}</pre>
 *
 * @param protocol            {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         the IANA name, {@code TLS_AES_128_GCM_SHA256} say
 * @param applicationProtocol what ALPN chose ({@code http/1.1}), or empty when the client offered none
 * @param peerCertificates    the client's certificate chain, its own first; empty when it sent none
 */
public record TlsSession(String protocol, String cipherSuite, String applicationProtocol,
                         List<X509Certificate> peerCertificates) {
    public TlsSession {
        peerCertificates = List.copyOf(peerCertificates);
    }
}
