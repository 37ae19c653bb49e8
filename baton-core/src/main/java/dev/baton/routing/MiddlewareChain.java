package dev.baton.routing;

import dev.baton.context.RequestContext;
import dev.baton.http.Response;
import dev.baton.internal.HandlerReturn;
import dev.baton.internal.ResultAdapter;
import dev.baton.internal.StageTrace;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Composes middleware around a handler into one handler. A chain link is an immutable index
 * plus {@code proceed()} (as OkHttp's RealInterceptorChain), checked so that each link
 * proceeds at most once.
 */
final class MiddlewareChain {
    private MiddlewareChain() {
    }

    /** The handler itself when there is no middleware: no cost for routes without any. */
    static Handler compose(List<Middleware> middleware, Handler handler) {
        if (middleware.isEmpty()) {
            return handler;
        }
        List<Middleware> chain = List.copyOf(middleware);
        return ctx -> new Link(chain, handler, ctx, 0, System.nanoTime()).proceed();
    }

    private static final class Link implements Middleware.Next {
        private final List<Middleware> chain;
        private final Handler handler;
        private final RequestContext ctx;
        private final int index;
        private final long startNanos;
        private final AtomicBoolean called = new AtomicBoolean();

        Link(List<Middleware> chain, Handler handler, RequestContext ctx, int index, long startNanos) {
            this.chain = chain;
            this.handler = handler;
            this.ctx = ctx;
            this.index = index;
            this.startNanos = startNanos;
        }

        @Override
        public CompletionStage<Response> proceed() {
            if (!called.compareAndSet(false, true)) {
                String who = index == 0 ? "the chain" : "middleware #" + index + " (" + name(chain.get(index - 1)) + ")";
                throw new IllegalStateException(who + " called next.proceed() more than once for " + ctx.route()
                        + "; a middleware may proceed at most once");
            }
            try {
                if (index == chain.size()) {
                    StageTrace trace = ctx instanceof StageTrace t && t.tracing() ? t : null;
                    long start = trace == null ? 0 : System.nanoTime();
                    if (trace != null) {
                        trace.stage("middleware", start - startNanos);
                    }
                    Object value = handler.handle(ctx);
                    if (trace != null) {
                        trace.stage("action", System.nanoTime() - start);
                    }
                    if (ctx instanceof HandlerReturn observer) {
                        observer.handlerReturned(value);
                        if (value instanceof CompletionStage<?> stage) {
                            observer.awaiting(stage);
                        }
                    }
                    return ResultAdapter.toResponseStage(value);
                }
                Middleware m = chain.get(index);
                CompletionStage<Response> result = m.handle(ctx, new Link(chain, handler, ctx, index + 1, startNanos));
                if (result == null) {
                    throw new IllegalStateException("middleware #" + (index + 1) + " (" + name(m) + ") returned null for "
                            + ctx.route() + "; return next.proceed() or a response stage");
                }
                return result;
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        private static String name(Middleware m) {
            String n = m.getClass().getName();
            return n.contains("$$Lambda") ? "a lambda in " + n.substring(0, n.indexOf("$$Lambda")) : n;
        }
    }
}
