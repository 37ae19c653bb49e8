package dev.baton.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.PendingWork;
import dev.baton.context.RequestContext;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.controller.internal.ControllerCompiler;
import dev.baton.http.Headers;
import dev.baton.http.Param;
import dev.baton.http.Request;
import dev.baton.routing.Handler;
import dev.baton.routing.Route;
import dev.baton.routing.Routing;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a controller action costs over a hand-written handler for the same route: the compiled
 * {@link Handler} (precomputed binders, a bound MethodHandle) against a lambda doing the same
 * work by hand, both called on a prebuilt request context. Target: within 10 %.
 *
 * <pre>{@code ./baton bench jmh ControllerDispatchBenchmark}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ControllerDispatchBenchmark {

    public record Gizmo(UUID id, boolean verbose) {
    }

    @Controller("/gizmos")
    public static class Gizmos {
        @Get("/hello")
        public String hello() {
            return "hello";
        }

        @Get("/{id}")
        public Gizmo find(UUID id, boolean verbose) {
            return new Gizmo(id, verbose);
        }
    }

    private final Handler handwrittenHello = ctx -> "hello";
    private final Handler handwrittenFind = ctx -> new Gizmo(ctx.request().path("id").asUuid(),
            ctx.request().query("verbose").asBoolean());
    private Handler controllerHello;
    private Handler controllerFind;
    private RequestContext helloCtx;
    private RequestContext findCtx;

    @Setup
    public void setUp() {
        Routing routing = new Routing();
        new ControllerCompiler(new ObjectMapper(), List.of()).register(routing, List.of(new Gizmos()));
        for (Route r : routing.routes()) {
            if (r.pattern().equals("/gizmos/hello")) {
                controllerHello = r.handler();
                helloCtx = new BenchContext(r, new BenchRequest(Map.of(), Map.of()));
            } else {
                controllerFind = r.handler();
                findCtx = new BenchContext(r, new BenchRequest(Map.of("id", UUID.randomUUID().toString()),
                        Map.of("verbose", List.of("true"))));
            }
        }
    }

    @Benchmark
    public Object helloHandwritten() throws Exception {
        return handwrittenHello.handle(helloCtx);
    }

    @Benchmark
    public Object helloController() throws Exception {
        return controllerHello.handle(helloCtx);
    }

    /** A path UUID and a query boolean, converted, and a record built from them. */
    @Benchmark
    public Object findHandwritten() throws Exception {
        return handwrittenFind.handle(findCtx);
    }

    @Benchmark
    public Object findController() throws Exception {
        return controllerFind.handle(findCtx);
    }

    /** A request whose path and query are already parsed, as the server hands them to a handler. */
    record BenchRequest(Map<String, String> pathParams, Map<String, List<String>> queryParams) implements Request {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/gizmos";
        }

        @Override
        public String uri() {
            return "/gizmos";
        }

        @Override
        public String protocol() {
            return "HTTP/1.1";
        }

        @Override
        public Headers headers() {
            return NO_HEADERS;
        }

        @Override
        public Param header(String name) {
            return new Param("header", name, null);
        }

        @Override
        public Param path(String name) {
            return new Param("path", name, pathParams.get(name));
        }

        @Override
        public Param query(String name) {
            List<String> values = queryParams.get(name);
            return new Param("query", name, values == null ? null : values.get(0));
        }

        @Override
        public byte[] body() {
            return new byte[0];
        }

        @Override
        public String bodyText() {
            return "";
        }

        @Override
        public <T> T bodyAs(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }
    }

    private static final Headers NO_HEADERS = new Headers() {
        @Override
        public Optional<String> first(String name) {
            return Optional.empty();
        }

        @Override
        public List<String> all(String name) {
            return List.of();
        }

        @Override
        public boolean contains(String name) {
            return false;
        }

        @Override
        public Set<String> names() {
            return Set.of();
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public Iterator<Map.Entry<String, String>> iterator() {
            return List.<Map.Entry<String, String>>of().iterator();
        }
    };

    /** The context of one request in flight, minus the server. */
    record BenchContext(Route route, Request request) implements RequestContext {
        @Override
        public Map<String, Object> attributes() {
            return new HashMap<>();
        }

        @Override
        public Deadline deadline() {
            return Deadline.NONE;
        }

        @Override
        public CancellationToken cancellation() {
            return CancellationToken.NONE;
        }

        @Override
        public PendingWork pendingWork() {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.concurrent.ScheduledExecutorService scheduler() {
            throw new UnsupportedOperationException("not used by the benchmark");
        }

        @Override
        public boolean isCompleted() {
            return false;
        }

        @Override
        public void onComplete(Consumer<Outcome> callback) {
        }
    }
}
