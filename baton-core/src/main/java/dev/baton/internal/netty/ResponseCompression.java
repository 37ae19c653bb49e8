package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.http.BodyStream;
import dev.baton.http.FileBody;
import dev.baton.http.Headers;
import dev.baton.http.Response;
import dev.baton.internal.coding.AcceptEncoding;
import dev.baton.internal.coding.CompressibleTypes;
import dev.baton.internal.coding.ContentCodings;
import dev.baton.internal.coding.FileBodyStream;
import dev.baton.internal.coding.Gzip;
import dev.baton.internal.coding.GzipSink;
import java.util.Locale;

/**
 * Gzips a rendered answer when its client accepts gzip, in the response path, so that every
 * protocol writer sends the same representation: a body in memory is compressed at once (its
 * length stays known, HEAD included), a streamed one piece by piece, a file's through a stream
 * (no zero-copy then). Each answer whose representation depends on {@code Accept-Encoding} says
 * so with {@code Vary}, compressed or not (a body in memory below the threshold does not depend
 * on it), and a compressed one gets its own ETag. Never touched:
 * partial content (206, {@code Content-Range}), a body already coded, {@code Cache-Control:
 * no-transform} (how a handler opts out), event streams, and types that are compressed already.
 */
final class ResponseCompression {
    /** Compression off: answers go as rendered. */
    static final ResponseCompression OFF = new ResponseCompression(false, 6, 0, CompressibleTypes.parse(""));

    private final boolean enabled;
    private final int level;
    private final int threshold;
    private final CompressibleTypes types;

    private ResponseCompression(boolean enabled, int level, int threshold, CompressibleTypes types) {
        this.enabled = enabled;
        this.level = level;
        this.threshold = threshold;
        this.types = types;
    }

    static ResponseCompression of(ServerConfig config) {
        return new ResponseCompression(config.compression(), config.compressionLevel(), config.compressionThreshold(),
                CompressibleTypes.parse(config.compressionTypes()));
    }

    /** {@code answer} as the request with these {@code headers} gets it (its {@code Accept-Encoding} is read only if it matters). */
    ResponseRenderer.Rendered apply(ResponseRenderer.Rendered answer, Headers headers) {
        if (!enabled) {
            return answer;
        }
        long size = knownSize(answer);
        AcceptEncoding wants = AcceptEncoding.of(headers.all("Accept-Encoding")); // no field: a constant
        // a body below the threshold goes as it is to every client that takes identity: nothing
        // varies, so no Vary either (as nginx's gzip_min_length)
        if (size >= 0 && size < threshold && wants.identity()) {
            return answer;
        }
        Response r = answer.response();
        if (!varies(r)) {
            return answer;
        }
        Response vary = withVary(r);
        if (!wants.gzip()) {
            return new ResponseRenderer.Rendered(vary, answer.json());
        }
        Response tagged = ContentCodings.gzipTag(vary);
        if (r.status() == 304) {
            return new ResponseRenderer.Rendered(tagged, answer.json()); // the validators of the coded form, no body
        }
        Response coded = tagged.withHeader("Content-Encoding", ContentCodings.GZIP);
        return switch (r.bodyKind()) {
            case BYTES -> new ResponseRenderer.Rendered(coded.withBytes(Gzip.compress((byte[]) r.body(), level)), null);
            case JSON -> new ResponseRenderer.Rendered(coded.withBytes(Gzip.compress(answer.json(), level)), null);
            case STREAM -> new ResponseRenderer.Rendered(coded.withStream(gzipped((BodyStream) r.body())), null);
            case FILE -> new ResponseRenderer.Rendered(coded.withStream(FileBodyStream.gzipped((FileBody) r.body(), level)), null);
            default -> answer; // EMPTY and EVENTS never vary
        };
    }

    private BodyStream gzipped(BodyStream body) {
        return sink -> body.writeTo(new GzipSink(sink, level));
    }

    /** Whether the answer's representation could depend on Accept-Encoding. */
    private boolean varies(Response r) {
        Response.BodyKind kind = r.bodyKind();
        if (kind == Response.BodyKind.EVENTS || kind == Response.BodyKind.EMPTY || kind == Response.BodyKind.UPGRADE
                || r.contentType() == null || r.status() < 200 || r.status() == 206 || r.status() == 204) {
            return false;
        }
        if (r.header("Content-Encoding") != null || r.header("Content-Range") != null) {
            return false;
        }
        String cacheControl = r.header("Cache-Control");
        if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-transform")) {
            return false;
        }
        return types.matches(r.contentType());
    }

    /** The body's length when it is known now, else -1. */
    private static long knownSize(ResponseRenderer.Rendered answer) {
        Response r = answer.response();
        return switch (r.bodyKind()) {
            case BYTES -> ((byte[]) r.body()).length;
            case JSON -> answer.json().length;
            case FILE -> ((FileBody) r.body()).length();
            default -> -1;
        };
    }

    /** {@code Vary} naming Accept-Encoding, added to the application's own if it has one. */
    private static Response withVary(Response r) {
        String vary = r.header("Vary");
        if (vary == null) {
            return r.withHeader("Vary", "Accept-Encoding");
        }
        String v = vary.toLowerCase(Locale.ROOT);
        if (v.contains("accept-encoding") || v.strip().equals("*")) {
            return r;
        }
        return r.withoutHeader("Vary").withHeader("Vary", vary + ", Accept-Encoding");
    }
}
