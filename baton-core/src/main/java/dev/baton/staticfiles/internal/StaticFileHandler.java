package dev.baton.staticfiles.internal;

import dev.baton.context.RequestContext;
import dev.baton.http.FileBody;
import dev.baton.http.Headers;
import dev.baton.http.HttpException;
import dev.baton.http.Problem;
import dev.baton.http.Request;
import dev.baton.http.Response;
import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serves one mount's files (blocking: it runs on a worker thread). Finds the file the request
 * names, then answers as RFC 9110 says: preconditions in the order of 13.2.2 (If-Match, else
 * If-Unmodified-Since: 412; If-None-Match, else If-Modified-Since: 304), then a single byte range
 * for GET (206, or 416 when none of it exists), honouring If-Range; else the whole file.
 */
public final class StaticFileHandler implements Handler {
    private static final int PIECE = 64 * 1024;

    private final Source source;
    private final String index;
    private final String cacheControl;
    private final boolean hidden;
    private final MediaTypes types;
    private final int inMemoryLimit;

    public StaticFileHandler(Source source, String index, String cacheControl, boolean hidden, MediaTypes types, int inMemoryLimit) {
        this.source = source;
        this.index = index;
        this.cacheControl = cacheControl;
        this.hidden = hidden;
        this.types = types;
        this.inMemoryLimit = inMemoryLimit;
    }

    @Override
    public Object handle(RequestContext ctx) throws IOException {
        Request request = ctx.request();
        String rawPath = rawPath(request.uri());
        int mountSegments = RouteTable.segments(ctx.route().pattern()).size() - 1; // all but the tail parameter
        List<String> names;
        try {
            names = RequestedPath.names(rawPath, mountSegments, hidden);
        } catch (RequestedPath.Refused e) {
            throw HttpException.notFound("no such file");
        }
        Resource found = source.find(names);
        String name = names.isEmpty() ? "" : names.get(names.size() - 1);
        if (found instanceof Resource.Directory) {
            if (index == null) {
                throw HttpException.notFound("no such file");
            }
            if (!rawPath.endsWith("/")) {
                String query = request.uri().indexOf('?') < 0 ? "" : request.uri().substring(request.uri().indexOf('?'));
                return Response.status(301).header("Location", rawPath + "/" + query).build();
            }
            List<String> withIndex = new ArrayList<>(names);
            withIndex.add(index);
            found = source.find(withIndex);
            name = index;
        }
        if (found == null || found instanceof Resource.Directory) {
            throw HttpException.notFound("no such file");
        }
        return serve(request, found, types.of(name));
    }

    private Response serve(Request request, Resource resource, String type) throws IOException {
        long size = resource instanceof Resource.OnDisk d ? d.size() : ((Resource.Packed) resource).size();
        long modified = resource instanceof Resource.OnDisk d ? d.modifiedMillis() : ((Resource.Packed) resource).modifiedMillis();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified) + "\"";
        long modifiedSeconds = modified / 1000;
        boolean ranges = resource instanceof Resource.OnDisk || size <= inMemoryLimit;
        int status = Preconditions.evaluate(request.headers(), etag, modified > 0 ? modifiedSeconds : -1);
        if (status == 412) {
            return Response.status(412).problem(Problem.of(412, "a precondition of the request does not hold"));
        }
        ByteRange range = status == 304 || !ranges || !request.method().equals("GET") ? null : range(request.headers(), etag, modifiedSeconds, size);
        if (range == ByteRange.UNSATISFIABLE) {
            return Response.status(416).header("Content-Range", "bytes */" + size)
                    .problem(Problem.of(416, "the range asked for is not within the " + size + " bytes of the file"));
        }
        Response.Builder head = Response.status(status == 304 ? 304 : range != null ? 206 : 200);
        head.header("ETag", etag);
        if (modified > 0) {
            head.header("Last-Modified", HttpDates.format(modifiedSeconds));
        }
        head.header("Accept-Ranges", ranges ? "bytes" : "none");
        if (cacheControl != null) {
            head.header("Cache-Control", cacheControl);
        }
        head.header("X-Content-Type-Options", "nosniff");
        if (range != null) {
            head.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        long offset = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        return switch (resource) {
            case Resource.OnDisk d -> head.file(new FileBody(d.path(), offset, length), type);
            case Resource.Packed p when status == 304 -> head.stream(type, sink -> sink.close()); // head only: never produced
            case Resource.Packed p when ranges -> head.bytes(slice(read(p), offset, length), type);
            case Resource.Packed p -> head.stream(type, sink -> copy(p, sink));
            case Resource.Directory d -> throw new IllegalStateException("a directory is not served");
        };
    }

    /** The range to send, or null for the whole file (none asked, or If-Range says it changed). */
    private static ByteRange range(Headers headers, String etag, long modifiedSeconds, long size) {
        String field = headers.first("Range").orElse(null);
        if (field == null) {
            return null;
        }
        String ifRange = headers.first("If-Range").orElse(null);
        if (ifRange != null && !Preconditions.ifRangeHolds(ifRange.strip(), etag, modifiedSeconds)) {
            return null;
        }
        return ByteRange.parse(field, size);
    }

    private static byte[] read(Resource.Packed p) throws IOException {
        try (InputStream in = p.opener().open()) {
            return in.readNBytes((int) p.size());
        }
    }

    private static byte[] slice(byte[] all, long offset, long length) {
        return offset == 0 && length == all.length ? all : Arrays.copyOfRange(all, (int) offset, (int) (offset + length));
    }

    /** A large packed resource, piece by piece, each written once the previous was taken (this runs on a worker). */
    private static void copy(Resource.Packed p, dev.baton.http.BodySink sink) {
        try (InputStream in = p.opener().open()) {
            byte[] buffer = new byte[PIECE];
            int n;
            while ((n = in.readNBytes(buffer, 0, PIECE)) > 0) {
                sink.write(Arrays.copyOf(buffer, n)).toCompletableFuture().get();
            }
            sink.close();
        } catch (Exception e) {
            sink.fail(e);
        }
    }

    /** The request's path as sent (percent-encoded), without a scheme and authority or the query. */
    private static String rawPath(String uri) {
        String origin = uri;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
            origin = slash < 0 ? "/" : uri.substring(slash);
        }
        int query = origin.indexOf('?');
        return query < 0 ? origin : origin.substring(0, query);
    }
}
