package dev.baton.client.internal;

import java.net.URI;
import java.util.Locale;

/** Where a connection goes: scheme, host and port. {@link #toString()} is {@code host:port}. */
public record HostKey(boolean tls, String host, int port) {

    public static HostKey of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("not an http(s) URI: " + uri);
        }
        String host = uri.getHost() == null ? null : lowerCase(uri.getHost()); // RFC 3986 3.2.2: one host, one pool
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the URI has no host: " + uri);
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return new HostKey(tls, host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }

    /** A host in lower case, but an IPv6 zone id ({@code %eth0}) as written: interface names are case-sensitive. */
    public static String lowerCase(String host) {
        int zone = host.indexOf('%');
        return zone < 0 ? host.toLowerCase(Locale.ROOT) : host.substring(0, zone).toLowerCase(Locale.ROOT) + host.substring(zone);
    }

    /** The Host header value: the port only when it is not the scheme's default. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
