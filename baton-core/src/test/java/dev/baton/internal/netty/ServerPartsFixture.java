package dev.baton.internal.netty;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ExecutionModel;
import dev.baton.ServerConfig;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.Handler;
import dev.baton.routing.Route;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The server-wide parts a connection handler needs, made the way the server makes them, for
 * tests that put a {@link ConnectionHandler} behind a dispatcher of their own; close it after.
 */
final class ServerPartsFixture implements AutoCloseable {
    static final ServerConfig CONFIG = ServerConfig.builder().build();

    final ServerMetrics metrics = new ServerMetrics();
    final HandlerThreads threads = new HandlerThreads(CONFIG, List.of(), new SafetyNets(CONFIG, metrics, new ClassLoadingActivity()),
            new ClassLoadingActivity());
    final ServerParts parts = new ServerParts(CONFIG, new ErrorMapping(Map.of(), CONFIG.timeoutStatus()),
            new ResponseRenderer(new ObjectMapper(), new RouteTable(List.of()), CONFIG.retryAfterSeconds()), metrics,
            threads.workers(), new ShutdownState(), new SafetyNets(CONFIG, metrics, new ClassLoadingActivity()), null);

    /** An exchange admitted for {@code req} (not released here), answered by {@code h} on the event loop. */
    Exchange admit(FullHttpRequest req, RequestTarget target, Handler h, long arrivalNanos, InetSocketAddress remote,
                   dev.baton.tls.TlsSession tls, ResponseSink sink) {
        metrics.inFlight.incrementAndGet();
        Route route = new Route("GET", target.path(), h, ExecutionModel.EVENT_LOOP, null);
        NettyRequest request = new NettyRequest("GET", target.uri(), target.path(), "HTTP/1.1", req.headers(), null, remote, tls,
                new ObjectMapper());
        return new Exchange(sink, parts, request, target, route, threads.forRoute(route), new ServerMetrics.RouteMetrics(),
                RequestTimeout.budget(CONFIG, route, request, arrivalNanos), true, false, arrivalNanos, null);
    }

    @Override
    public void close() {
        threads.close();
    }
}
