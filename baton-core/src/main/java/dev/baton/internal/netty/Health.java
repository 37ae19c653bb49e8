package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import io.netty.channel.EventLoop;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The liveness and readiness probes, answered by the dispatcher on the event loop before routing
 * and admission: no worker, no queue, no middleware, no in-flight slot, so that they answer under
 * overload, and they count in no route's numbers and no access-log line (a probe every few
 * seconds would drown both). Liveness is 200 while the process serves, a graceful stop included;
 * readiness is 503 from the moment a graceful stop begins, and while a readiness check fails.
 */
final class Health {
    private static final Logger log = LoggerFactory.getLogger(Health.class);

    /** A named readiness check: cheap, non-blocking (it runs on an event loop), true when ready. */
    record Check(String name, BooleanSupplier ready) {
    }

    private final String livenessPath;
    private final String readinessPath;
    private final List<Check> checks;
    private final boolean[] failing;
    private final ShutdownState shutdown;
    private final EventLoopWatchdog watchdog;
    private final long retryAfterSeconds;

    private Health(ServerConfig config, List<Check> checks, ShutdownState shutdown, EventLoopWatchdog watchdog) {
        this.livenessPath = config.livenessPath().isEmpty() ? null : config.livenessPath();
        this.readinessPath = config.readinessPath().isEmpty() ? null : config.readinessPath();
        this.checks = List.copyOf(checks);
        this.failing = new boolean[checks.size()];
        this.shutdown = shutdown;
        this.watchdog = watchdog;
        this.retryAfterSeconds = config.retryAfterSeconds();
    }

    /**
     * Refuses, before the server makes any thread, readiness checks with no readiness path to run
     * them and a route at a probe's path (the probe would shadow it).
     */
    static void validate(ServerConfig config, java.util.Collection<String> checkNames, List<dev.baton.routing.Route> routes) {
        if (config.readinessPath().isEmpty() && !checkNames.isEmpty()) {
            throw new IllegalArgumentException("readiness checks " + checkNames + " are registered but readinessPath is not set: "
                    + "nothing would run them");
        }
        for (dev.baton.routing.Route r : routes) {
            String p = withoutTrailingSlash(r.pattern());
            if (p.equals(config.livenessPath()) || p.equals(config.readinessPath())) {
                throw new IllegalArgumentException("the route " + r + " has the path of a health probe (livenessPath or "
                        + "readinessPath), which the server answers itself: move one of them");
            }
        }
    }

    /** The probes {@code config} asks for; null when it asks for none. */
    static Health of(ServerConfig config, List<Check> checks, ShutdownState shutdown, EventLoopWatchdog watchdog) {
        if (config.livenessPath().isEmpty() && config.readinessPath().isEmpty()) {
            return null;
        }
        return new Health(config, checks, shutdown, watchdog);
    }

    /** True if {@code rawPath} (as routed, percent-encoded, query-less) is a probe's path. */
    boolean isProbe(String rawPath) {
        String p = withoutTrailingSlash(rawPath);
        return p.equals(livenessPath) || p.equals(readinessPath);
    }

    /** As routes ignore a trailing slash, so do the probes. */
    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The answer to a probe (see {@link #isProbe}) with {@code method}, on {@code loop}. */
    Response answer(String method, String rawPath, EventLoop loop) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Response.status(405).header("Allow", "GET, HEAD")
                    .problem(Problem.of(405, method + " is not allowed on a health probe").withInstance(rawPath));
        }
        if (withoutTrailingSlash(rawPath).equals(livenessPath)) {
            return Response.json(Map.of("status", "UP"));
        }
        return readiness(rawPath, loop);
    }

    private Response readiness(String rawPath, EventLoop loop) {
        if (shutdown.isStopping()) {
            return unavailable(Problem.of(503, "the server is shutting down").withInstance(rawPath));
        }
        Map<String, String> results = new LinkedHashMap<>();
        List<String> down = new java.util.ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            RuntimeException thrown = null;
            boolean ready;
            try {
                ready = run(c, loop);
            } catch (RuntimeException e) {
                thrown = e;
                ready = false;
            }
            results.put(c.name(), ready ? "UP" : "DOWN");
            if (!ready) {
                down.add(c.name());
            }
            transition(i, c, ready, thrown);
        }
        if (down.isEmpty()) {
            return results.isEmpty() ? Response.json(Map.of("status", "UP")) : Response.json(Map.of("status", "UP", "checks", results));
        }
        return unavailable(Problem.of(503, "not ready: " + String.join(", ", down) + (down.size() == 1 ? " fails" : " fail"))
                .withInstance(rawPath).with("checks", results));
    }

    private Response unavailable(Problem problem) {
        return Response.status(503).header("Retry-After", retryAfterSeconds).problem(problem);
    }

    /** Runs one check under the watchdog, which names it if it blocks the loop (a check that throws is not ready). */
    private boolean run(Check c, EventLoop loop) {
        if (watchdog != null) {
            watchdog.running(loop, "readiness check '" + c.name() + "'");
        }
        try {
            return c.ready().getAsBoolean();
        } finally {
            if (watchdog != null) {
                watchdog.running(loop, null);
            }
        }
    }

    /** Logs a check that starts failing (WARN, with what it threw) and one that recovers (INFO), not every probe. */
    private void transition(int i, Check c, boolean ready, RuntimeException thrown) {
        synchronized (failing) {
            if (failing[i] == ready) {
                failing[i] = !ready;
                if (ready) {
                    log.info("readiness check '{}' passes again", c.name());
                } else if (thrown != null) {
                    log.warn("readiness check '{}' threw: readiness answers 503 until it passes", c.name(), thrown);
                } else {
                    log.warn("readiness check '{}' fails: readiness answers 503 until it passes", c.name());
                }
            }
        }
    }
}
