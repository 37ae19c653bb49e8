package dev.baton.testing;

import dev.baton.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A self-signed certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid
 * until 2126, for tests only (its private key ships in this jar, so it protects nothing).
 * {@link BatonExtension#https()} serves with it and makes the injected client trust it.
 *
 * <pre>{@code Server.builder().config(c -> c.tls(TestCertificate.tlsConfig()))
 * HttpClient.builder().trustCertificates(TestCertificate.certificate())}</pre>
 */
public final class TestCertificate {
    private static final String PEM = "test-certificate.pem";
    private static final String KEY = "test-certificate.key";
    /** The files, copied once per JVM out of the jar to a temporary directory deleted on exit. */
    private static volatile Path directory;

    private TestCertificate() {
    }

    /** TLS settings serving this certificate, with the other settings at their defaults. */
    public static TlsConfig tlsConfig() {
        return TlsConfig.builder().certificateChain(certificateFile()).privateKey(files().resolve(KEY)).build();
    }

    /** The certificate, for a client to trust. */
    public static X509Certificate certificate() {
        try (InputStream in = Files.newInputStream(certificateFile())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException("the test certificate does not parse", e);
        }
    }

    /** The certificate as a PEM file, for clients configured by file (curl --cacert, trustCertificates(Path)). */
    public static Path certificateFile() {
        return files().resolve(PEM);
    }

    private static Path files() {
        Path d = directory;
        if (d != null) {
            return d;
        }
        synchronized (TestCertificate.class) {
            if (directory == null) {
                try {
                    Path dir = Files.createTempDirectory("baton-test-certificate");
                    for (String name : new String[] {PEM, KEY}) {
                        try (InputStream in = Objects.requireNonNull(TestCertificate.class.getResourceAsStream(name), name)) {
                            Files.copy(in, dir.resolve(name));
                        }
                        dir.resolve(name).toFile().deleteOnExit();
                    }
                    dir.toFile().deleteOnExit();
                    directory = dir;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the test certificate to a temporary directory", e);
                }
            }
            return directory;
        }
    }
}
