package dev.baton.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The certificates under src/test/resources/tls (see its README) and client contexts that trust them. */
public final class TlsFixtures {
    private TlsFixtures() {
    }

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(TlsFixtures.class.getResource("/tls/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM settings of certificate {@code a} or {@code b}, read from the resources. */
    public static TlsConfig.Builder pem(String which) {
        return TlsConfig.builder().certificateChain(resource("server-" + which + ".pem")).privateKey(resource("server-" + which + ".key"));
    }

    /** Copies certificate {@code which}'s two files to cert.pem and key.pem in {@code dir}, a newer modification time than before. */
    static void install(String which, Path dir) {
        try {
            for (String[] f : new String[][] {{"server-" + which + ".pem", "cert.pem"}, {"server-" + which + ".key", "key.pem"}}) {
                Path target = dir.resolve(f[1]);
                java.nio.file.attribute.FileTime before = Files.exists(target) ? Files.getLastModifiedTime(target) : null;
                Files.copy(resource(f[0]), target, StandardCopyOption.REPLACE_EXISTING);
                if (before != null) { // same size: a later time is what tells the change
                    Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(before.toMillis() + 2000));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static X509Certificate certificate(String name) {
        try (InputStream in = Files.newInputStream(resource(name))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that trusts certificates {@code a} and {@code b}, and presents {@code client.p12} when {@code withClientCertificate}. */
    public static SSLContext client(boolean withClientCertificate) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("a", certificate("server-a.pem"));
            trust.setCertificateEntry("b", certificate("server-b.pem"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (withClientCertificate) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(resource("client.p12"))) {
                    keys.load(in, "changeit".toCharArray());
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, "changeit".toCharArray());
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ssl;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static SSLSocket connect(int port, SSLContext context) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static X509Certificate peerCertificate(int port) throws IOException {
        try (SSLSocket socket = connect(port, client(false))) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** One GET on {@code socket}: the status line, then after a space the body. */
    static String exchange(SSLSocket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed mid-head: " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return h.substring(0, h.indexOf("\r\n")) + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
