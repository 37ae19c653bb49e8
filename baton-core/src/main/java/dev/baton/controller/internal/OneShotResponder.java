package dev.baton.controller.internal;

import dev.baton.context.RequestContext;
import dev.baton.controller.Responder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Responder} over the stage handed to the server: the first call wins, later ones are warned about. */
final class OneShotResponder implements Responder {
    private static final Logger log = LoggerFactory.getLogger(OneShotResponder.class);

    private final RequestContext ctx;
    private final CompletableFuture<Object> stage = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();

    OneShotResponder(RequestContext ctx) {
        this.ctx = ctx;
    }

    CompletableFuture<Object> stage() {
        return stage;
    }

    @Override
    public boolean complete(Object value) {
        return answer("complete") && stage.complete(value);
    }

    @Override
    public boolean fail(Throwable error) {
        if (error == null) {
            error = new NullPointerException("Responder.fail(null)");
        }
        return answer("fail") && stage.completeExceptionally(error);
    }

    /** The action threw: fail the response unless it already answered (then only log). */
    void thrown(Throwable error) {
        if (answered.compareAndSet(false, true)) {
            stage.completeExceptionally(error);
        } else {
            log.warn("{}: the action threw after its Responder had answered; the exception is dropped", ctx.route(), error);
        }
    }

    private boolean answer(String call) {
        if (answered.compareAndSet(false, true)) {
            return true;
        }
        log.warn("{}: Responder.{} called after the response was already given; ignored. Call complete or fail "
                + "exactly once.", ctx.route(), call);
        return false;
    }
}
