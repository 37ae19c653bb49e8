package dev.baton.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A TLS context that trusts given certificates (a private CA, a test server's own) instead of the JDK's CAs. */
public final class TrustedCertificates {
    private TrustedCertificates() {
    }

    /**
     * The certificates of a PEM file (one or more {@code BEGIN CERTIFICATE} blocks).
     *
     * @throws IllegalArgumentException naming the file when it holds none or cannot be read
     */
    public static List<Certificate> fromPem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("trustCertificates: " + file + " holds no PEM certificate");
            }
            return List.copyOf(certs);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("trustCertificates: cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    /** A keystore holding {@code certificates} as trusted entries. */
    public static KeyStore store(List<? extends Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a trust store", e);
        }
    }

    /** A client context whose trust is exactly {@code trust}'s certificates. */
    public static SSLContext context(KeyStore trust) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot make a TLS context trusting that store: " + e.getMessage(), e);
        }
    }
}
