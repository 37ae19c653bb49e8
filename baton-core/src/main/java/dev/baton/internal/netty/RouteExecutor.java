package dev.baton.internal.netty;

import dev.baton.ExecutionModel;
import dev.baton.routing.Route;
import io.netty.channel.EventLoop;
import java.util.concurrent.ExecutorService;

/**
 * Where one route's handlers run, chosen once when the route table is built (as Undertow's
 * {@code BlockingHandler} or Jooby's {@code ExecutionMode} are): inline on the connection's
 * event loop under the blocked-loop watchdog, on the bounded worker pool (whose queue may refuse),
 * or on a virtual thread named for the route so that the pinning monitor can name it.
 */
abstract sealed class RouteExecutor {

    /** Runs the handler of {@code ex}; false if refused (the worker queue is full). */
    abstract boolean run(Exchange ex, EventLoop loop);

    /** Runs {@code task} (a streamed body's producer) the same way; false if refused. */
    abstract boolean execute(Runnable task, EventLoop loop);

    static RouteExecutor of(ExecutionModel model, Route route, WorkerPool workers, ExecutorService virtualThreads,
                            EventLoopWatchdog watchdog) {
        return switch (model) {
            case EVENT_LOOP -> new OnEventLoop(route, watchdog);
            case WORKER -> new OnWorker(workers);
            case VIRTUAL -> new OnVirtualThread(PinnedThreadMonitor.threadName(route), virtualThreads);
        };
    }

    /** Inline: the handler runs now, on the loop that read the request. */
    private static final class OnEventLoop extends RouteExecutor {
        private final Route route;
        private final EventLoopWatchdog watchdog;

        OnEventLoop(Route route, EventLoopWatchdog watchdog) {
            this.route = route;
            this.watchdog = watchdog;
        }

        @Override
        boolean run(Exchange ex, EventLoop loop) {
            watched(ex::execute, loop).run();
            return true;
        }

        @Override
        boolean execute(Runnable task, EventLoop loop) {
            loop.execute(watched(task, loop));
            return true;
        }

        /** The watchdog names the route of a loop it finds blocked. */
        private Runnable watched(Runnable task, EventLoop loop) {
            if (watchdog == null) {
                return task;
            }
            return () -> {
                watchdog.running(loop, route);
                try {
                    task.run();
                } finally {
                    watchdog.running(loop, null);
                }
            };
        }
    }

    /** Queued for the bounded worker pool; a request's place is withdrawn if it ends while it waits. */
    private static final class OnWorker extends RouteExecutor {
        private final WorkerPool workers;

        OnWorker(WorkerPool workers) {
            this.workers = workers;
        }

        @Override
        boolean run(Exchange ex, EventLoop loop) {
            WorkerPool.Task queued = workers.submit(ex::execute, loop);
            if (queued == null) {
                return false;
            }
            ex.queuePlace.hold(queued);
            return true;
        }

        @Override
        boolean execute(Runnable task, EventLoop loop) {
            return workers.trySubmit(task, loop);
        }
    }

    /** A virtual thread per request, named for its route: JFR's pinning events then say which route pinned. */
    private static final class OnVirtualThread extends RouteExecutor {
        private final String threadName;
        private final ExecutorService threads;

        OnVirtualThread(String threadName, ExecutorService threads) {
            this.threadName = threadName;
            this.threads = threads;
        }

        @Override
        boolean run(Exchange ex, EventLoop loop) {
            return execute(ex::execute, loop);
        }

        @Override
        boolean execute(Runnable task, EventLoop loop) {
            threads.execute(() -> {
                Thread.currentThread().setName(threadName);
                task.run();
            });
            return true;
        }
    }
}
