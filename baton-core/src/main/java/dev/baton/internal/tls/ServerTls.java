package dev.baton.internal.tls;

import dev.baton.tls.TlsConfig;
import dev.baton.tls.TlsSession;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: the context new connections get their handler from, swapped whole by a
 * reload (connections already open keep the one they started with), and the watch that
 * reloads it when its files change.
 */
public final class ServerTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final TlsConfig config;
    private final boolean openSsl;
    private final List<String> alpn;
    private volatile SslContext context;
    /** The files' modification times and sizes as last loaded (or tried); guarded by this. */
    private Map<Path, String> loaded;
    private ScheduledExecutorService watch;

    public ServerTls(TlsConfig config, List<String> alpn) {
        this.config = config;
        this.openSsl = TlsContexts.openSsl(config.provider());
        this.alpn = List.copyOf(alpn);
        this.loaded = stamps();
        this.context = load("loaded");
    }

    private SslContext load(String what) {
        TlsCredentials credentials = TlsContexts.credentials(config);
        SslContext next = TlsContexts.load(config, openSsl, alpn, credentials);
        log.info("TLS certificate {} from {}: {}", what, config.files(), credentials.describe());
        return next;
    }

    /** A handler for a new connection, with the current certificate and the handshake timeout. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
        return handler;
    }

    /** What runs the handshakes, for the startup line. */
    public String provider() {
        return TlsContexts.describe(openSsl);
    }

    /**
     * Reads the files again; new connections get the new certificate.
     *
     * @throws IllegalArgumentException when they cannot be loaded: the old certificate stays
     */
    public synchronized void reload() {
        loaded = stamps();
        context = load("reloaded");
    }

    /** Checks the files every {@code reloadInterval} and reloads them when one changed; nothing when the interval is zero. */
    public synchronized void startWatching() {
        if (config.reloadInterval().isZero() || watch != null) {
            return;
        }
        watch = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("baton-tls-reload").unstarted(r));
        long every = config.reloadInterval().toMillis();
        watch.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    private void reloadIfChanged() {
        synchronized (this) {
            if (stamps().equals(loaded)) {
                return;
            }
        }
        try {
            reload();
        } catch (RuntimeException e) {
            // often a renewal half-written (the certificate before its key): the next change retries
            log.error("TLS certificate files changed but cannot be loaded; still serving the previous certificate: {}",
                    e.getMessage());
        }
    }

    private Map<Path, String> stamps() {
        Map<Path, String> m = new LinkedHashMap<>();
        for (Path f : config.files()) {
            try {
                m.put(f, Files.getLastModifiedTime(f) + "/" + Files.size(f));
            } catch (IOException e) {
                m.put(f, "unreadable");
            }
        }
        return m;
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.shutdownNow();
        }
    }

    /** What {@code handler}'s finished handshake negotiated. */
    public static TlsSession session(SslHandler handler) {
        SSLSession s = handler.engine().getSession();
        List<X509Certificate> peer = List.of();
        // only when asked for: without client authentication there is none, and asking throws
        if (handler.engine().getNeedClientAuth() || handler.engine().getWantClientAuth()) {
            try {
                Certificate[] chain = s.getPeerCertificates();
                peer = Arrays.stream(chain).filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
            } catch (SSLPeerUnverifiedException none) {
                // OPTIONAL, and the client sent none
            }
        }
        String protocol = handler.applicationProtocol();
        return new TlsSession(s.getProtocol(), s.getCipherSuite(), protocol == null ? "" : protocol, peer);
    }
}
