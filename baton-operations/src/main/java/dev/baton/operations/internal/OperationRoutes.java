package dev.baton.operations.internal;

import dev.baton.internal.Futures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ExecutionModel;
import dev.baton.context.RequestContext;
import dev.baton.http.EventStream;
import dev.baton.http.HttpException;
import dev.baton.http.Response;
import dev.baton.operations.OperationStatus;
import dev.baton.operations.OperationType;
import dev.baton.operations.OperationsConfig;
import dev.baton.operations.store.IdempotencyConflictException;
import dev.baton.operations.store.OperationPage;
import dev.baton.operations.store.OperationQuery;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import dev.baton.routing.Routing;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The HTTP API of operations: create, read (with long-poll), list, follow as events, cancel.
 * Every handler is asynchronous on the store; reads run on the event loop, a create (which binds
 * the application's input types) on the server's default execution model.
 */
public final class OperationRoutes {
    private final OperationRunner runner;
    private final OperationsConfig config;
    private final OperationStore store;
    private final ObjectMapper json;
    private final String prefix;

    public OperationRoutes(OperationRunner runner, ObjectMapper json) {
        this.runner = runner;
        this.config = runner.config;
        this.store = runner.store;
        this.json = json;
        this.prefix = config.prefix().equals("/") ? "" : config.prefix();
    }

    public void register(Routing r) {
        // binding the input runs the application's types (and their first use loads classes): not on an event loop
        Duration retry = config.retryAfter();
        r.post(prefix + "/{type}", StoreOutage.guard(this::create, retry));
        r.get(prefix, StoreOutage.guard(this::list, retry)).execution(ExecutionModel.EVENT_LOOP);
        r.get(prefix + "/{id}", StoreOutage.guard(this::read, retry)).execution(ExecutionModel.EVENT_LOOP)
                .timeout(config.maxWait().plusSeconds(5));
        r.get(prefix + "/{id}/events", StoreOutage.guard(this::events, retry)).execution(ExecutionModel.EVENT_LOOP);
        r.delete(prefix + "/{id}", StoreOutage.guard(this::cancel, retry)).execution(ExecutionModel.EVENT_LOOP);
    }

    private Object create(RequestContext ctx) {
        String owner = config.owner().apply(ctx); // first: a refused caller learns nothing of types or ids
        String name = ctx.request().path("type").asString();
        OperationType<?> type = runner.type(name);
        if (type == null) {
            throw new HttpException(404, "no operation type '" + name + "'; this server runs "
                    + runner.typeNames().stream().sorted().collect(Collectors.joining(", ")));
        }
        byte[] body = ctx.request().body();
        if (body.length > config.maxInputSize()) {
            throw new HttpException(413, "the input is " + body.length + " bytes; at most " + config.maxInputSize()
                    + " are taken");
        }
        JsonNode input = input(ctx, type, body);
        String key = IdempotencyKeys.of(ctx.request());
        String fingerprint = key == null ? null : IdempotencyKeys.fingerprint(name, raw(body));
        CompletableFuture<Response> answer = runner.create(name, owner, input, key, fingerprint, null)
                .thenApply(c -> accepted(ctx, c.record(), !c.isNew(), null))
                .exceptionally(OperationRoutes::conflict).toCompletableFuture();
        // an in-memory store answers at once: a value, no stage to await
        return answer.isDone() && !answer.isCompletedExceptionally() ? answer.join() : answer;
    }

    private JsonNode input(RequestContext ctx, OperationType<?> type, byte[] body) {
        if (type.inputType() == Void.class) {
            String contentType = ctx.request().headers().first("Content-Type").orElse("application/json");
            if (body.length > 0 && !isJson(contentType)) {
                throw new HttpException(415, "expected a JSON body (application/json), got " + contentType);
            }
            if (body.length > 0 && !raw(body).isNull() && !(raw(body).isObject() && raw(body).isEmpty())) {
                throw new HttpException(400, "operation type '" + type.name() + "' takes no input");
            }
            return null;
        }
        return json.valueToTree(ctx.request().bodyAs(type.inputType()));
    }

    private static boolean isJson(String contentType) {
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return mime.equals("application/json") || mime.endsWith("+json");
    }

    private JsonNode raw(byte[] body) {
        if (body.length == 0) {
            return json.nullNode();
        }
        try {
            return json.readTree(body);
        } catch (java.io.IOException e) {
            throw new HttpException(400, "the body is not JSON");
        }
    }

    static Response conflict(Throwable e) {
        Throwable cause = Futures.unwrap(e);
        if (cause instanceof IdempotencyConflictException c) {
            if (c.mismatch()) {
                throw new HttpException(422, "this Idempotency-Key was already used with another request body; "
                        + "use a new key for a new request");
            }
            return dev.baton.http.Problem.of(409, c.getMessage() + "; retry after it completes").toResponse()
                    .withHeader("Retry-After", 1);
        }
        throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
    }

    /** The 202 for an operation: its URL twice (RFC 9110 and the Microsoft guidelines), when to poll, and its state. */
    Response accepted(RequestContext ctx, OperationRecord r, boolean replayed, String preferenceApplied) {
        String path = prefix + "/" + r.id();
        Response.Builder b = Response.status(202).header("Location", path)
                .header("Operation-Location", absolute(ctx, path, config.publicUri()))
                .header("Retry-After", config.retryAfter().toSeconds() < 1 ? 1 : config.retryAfter().toSeconds());
        if (replayed) {
            b.header("Idempotent-Replayed", "true");
        }
        if (preferenceApplied != null) {
            b.header("Preference-Applied", preferenceApplied).header("Vary", "Prefer");
        }
        return b.json(OperationView.of(r, json));
    }

    /** An absolute URL, as the Microsoft guidelines ask: from the configured public URI, else from this request's Host. */
    private static String absolute(RequestContext ctx, String path, java.net.URI base) {
        if (base != null) {
            return base.getScheme() + "://" + base.getRawAuthority() + path;
        }
        return ctx.request().headers().first("Host").map(h -> ctx.request().scheme() + "://" + h + path).orElse(path);
    }

    private CompletionStage<Object> read(RequestContext ctx) {
        String owner = config.owner().apply(ctx);
        String id = id(ctx);
        Prefer prefer = Prefer.of(ctx.request());
        return visible(id, owner).thenCompose(r -> {
            String ifNoneMatch = ctx.request().headers().first("If-None-Match").orElse(null);
            boolean clientCurrent = ifNoneMatch == null || matches(ifNoneMatch, r);
            if (prefer.waitSeconds() <= 0 || r.isTerminal() || !clientCurrent) {
                return CompletableFuture.completedFuture(resource(r, ifNoneMatch));
            }
            // within the request's own deadline (a caller's Baton-Timeout may be shorter than the wait)
            long millis = Math.min(Math.min(prefer.waitSeconds(), config.maxWait().toSeconds()) * 1000,
                    Math.max(0, ctx.deadline().remaining().minus(Duration.ofMillis(250)).toMillis()));
            return LongPoll.next(store, r, Duration.ofMillis(millis), ctx)
                    .thenApply(latest -> resource(latest, ifNoneMatch));
        });
    }

    private Object resource(OperationRecord r, String ifNoneMatch) {
        String etag = OperationView.etag(r);
        Response.Builder b = Response.status(ifNoneMatch != null && matches(ifNoneMatch, r) ? 304 : 200)
                .header("ETag", etag).header("Cache-Control", "no-cache");
        if (!r.isTerminal()) {
            b.header("Retry-After", Math.max(1, config.retryAfter().toSeconds()));
        }
        return ifNoneMatch != null && matches(ifNoneMatch, r) ? b.build() : b.json(OperationView.of(r, json));
    }

    /** RFC 9110 13.1.2: weak comparison, a list of tags or {@code *}. */
    private static boolean matches(String ifNoneMatch, OperationRecord r) {
        String tag = OperationView.etag(r);
        for (String t : ifNoneMatch.split(",")) {
            String s = t.strip();
            if (s.equals("*") || s.equals(tag) || s.equals("W/" + tag)) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<Object> list(RequestContext ctx) {
        String owner = config.owner().apply(ctx);
        var q = ctx.request();
        Set<OperationStatus> statuses = EnumSet.noneOf(OperationStatus.class);
        String statusParam = q.query("status").asString(null);
        if (statusParam != null) {
            for (String s : statusParam.split(",")) {
                OperationStatus st = OperationStatus.fromWire(s.strip());
                if (st == null) {
                    throw new HttpException(400, "status '" + s.strip() + "' is none of notStarted, running, succeeded, "
                            + "failed, canceled");
                }
                statuses.add(st);
            }
        }
        String type = q.query("type").asString(null);
        if (type != null && type.isEmpty()) {
            throw new HttpException(400, "type is empty; leave it out to list every type");
        }
        int pageSize = q.query("pageSize").isPresent() ? q.query("pageSize").asInt() : 20;
        if (pageSize < 1 || pageSize > 100) {
            throw new HttpException(400, "pageSize must be 1..100, got " + pageSize);
        }
        String token = q.query("pageToken").asString(null);
        OperationQuery.Cursor after = token == null ? null : PageTokens.decode(token);
        return store.list(new OperationQuery(owner, statuses, type, pageSize, after)).thenApply(page -> {
            ObjectNode out = json.createObjectNode();
            ArrayNode items = out.putArray("value");
            page.items().stream().filter(r -> !runner.expired(r)).forEach(r -> items.add(OperationView.of(r, json)));
            if (page.next() != null) {
                out.put("nextLink", nextLink(statusParam, type, pageSize, page));
            }
            return Response.ok().header("Cache-Control", "no-cache").json(out);
        });
    }

    private String nextLink(String status, String type, int pageSize, OperationPage page) {
        StringBuilder sb = new StringBuilder(prefix.isEmpty() ? "/" : prefix).append('?');
        if (status != null) {
            sb.append("status=").append(URLEncoder.encode(status, StandardCharsets.UTF_8)).append('&');
        }
        if (type != null) {
            sb.append("type=").append(URLEncoder.encode(type, StandardCharsets.UTF_8)).append('&');
        }
        return sb.append("pageSize=").append(pageSize).append("&pageToken=").append(PageTokens.encode(page.next())).toString();
    }

    private CompletionStage<Object> events(RequestContext ctx) {
        String owner = config.owner().apply(ctx);
        String id = id(ctx);
        String header = ctx.request().headers().first("Last-Event-ID")
                .orElse(ctx.request().query("lastEventId").asString(null));
        long after = lastEventId(header);
        return visible(id, owner).thenApply(r -> {
            if (after > r.lastEventId()) {
                throw new HttpException(400, "Last-Event-ID " + after + " is past this operation's last event, "
                        + r.lastEventId());
            }
            if (r.isTerminal() && after == r.lastEventId()) {
                // the client has seen the end: 204 tells an EventSource to stop reconnecting (WHATWG 9.2.3)
                return Response.noContent();
            }
            return EventStream.of(emitter -> new EventFeed(store, id, after, emitter, json, config.retryAfter()).start(),
                    config.heartbeat());
        });
    }

    private static long lastEventId(String value) {
        if (value == null) {
            return 0;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpException(400, "Last-Event-ID must be the id of an event of this stream (a whole number), got '"
                    + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'");
        }
        return Long.parseLong(v);
    }

    private CompletionStage<Object> cancel(RequestContext ctx) {
        String owner = config.owner().apply(ctx);
        String id = id(ctx);
        return visible(id, owner).thenCompose(r -> {
            if (r.status() == OperationStatus.SUCCEEDED || r.status() == OperationStatus.FAILED) {
                throw new HttpException(409, "operation " + id + " has already " + r.status().wireName()
                        + "; there is nothing to cancel");
            }
            return runner.cancel(r).thenApply(after -> Response.status(202).header("Location", prefix + "/" + id)
                    .json(OperationView.of(after, json)));
        });
    }

    private static String id(RequestContext ctx) {
        String id = ctx.request().path("id").asString();
        if (!OperationIds.isWellFormed(id)) {
            throw new HttpException(400, "'" + (id.length() > 40 ? id.substring(0, 40) + "..." : id)
                    + "' is not an operation id (22 base64url characters)");
        }
        return id;
    }

    /** The operation if it exists, is the caller's and has not outlived its retention; else 404, the same in every case. */
    private CompletionStage<OperationRecord> visible(String id, String owner) {
        return store.get(id).thenApply(found -> found
                .filter(r -> Objects.equals(r.owner(), owner) && !runner.expired(r))
                .orElseThrow(() -> new HttpException(404, "no operation " + id)));
    }
}
