package dev.baton.internal.netty;

import dev.baton.ExecutionModel;
import dev.baton.ServerConfig;
import dev.baton.routing.Route;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads handlers run on besides the event loops, and the watchdogs over them: the bounded
 * worker pool, the virtual threads, the blocked-event-loop watchdog and the pinned-virtual-thread
 * monitor. Gives each route its {@link RouteExecutor}, once, when the route table is built.
 */
final class HandlerThreads implements AutoCloseable {
    private final ExecutionModel defaultModel;
    private final WorkerPool workers;
    private final ExecutorService virtualThreads;
    private final EventLoopWatchdog watchdog;
    private final PinnedThreadMonitor pinned;

    HandlerThreads(ServerConfig config, List<Route> routes, SafetyNets nets, ClassLoadingActivity classLoading) {
        this.defaultModel = config.defaultExecution();
        this.workers = new WorkerPool(config.workerThreads(), config.requestQueueCapacity());
        this.virtualThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("baton-vt-", 0).factory());
        long blocked = config.blockedThreadThreshold().toNanos();
        this.watchdog = blocked > 0 ? new EventLoopWatchdog(blocked, nets, classLoading) : null;
        boolean anyVirtual = defaultModel == ExecutionModel.VIRTUAL || routes.stream().anyMatch(r -> model(r) == ExecutionModel.VIRTUAL);
        this.pinned = anyVirtual ? new PinnedThreadMonitor(nets) : null;
    }

    private ExecutionModel model(Route route) {
        return route.execution() != null ? route.execution() : defaultModel;
    }

    /** Where {@code route}'s handlers run. */
    RouteExecutor forRoute(Route route) {
        return RouteExecutor.of(model(route), route, workers, virtualThreads, watchdog);
    }

    /** The blocked-event-loop watchdog; null when disabled. */
    EventLoopWatchdog watchdog() {
        return watchdog;
    }

    WorkerPool workers() {
        return workers;
    }

    /** Starts the watchdogs that need the event loops. */
    void start(EventLoopGroup group) {
        workers.bind(group);
        if (watchdog != null) {
            watchdog.start(group);
        }
        if (pinned != null) {
            pinned.start();
        }
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.stop();
        }
        if (pinned != null) {
            pinned.close();
        }
        workers.shutdown();
        virtualThreads.shutdownNow();
    }
}
