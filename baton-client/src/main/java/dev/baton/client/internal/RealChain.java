package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.Interceptor;
import dev.baton.context.Deadline;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chain handed to interceptor {@code index - 1}: an immutable position plus
 * {@link #proceed}, which runs interceptor {@code index}. Enforces the contract: an
 * application interceptor may proceed again only once its previous attempt completed; a
 * network interceptor (from {@code firstNetwork} on) proceeds exactly once.
 */
public final class RealChain implements Interceptor.Chain {
    private final List<Interceptor> interceptors;
    private final int index;
    private final int firstNetwork;
    private final CallState call;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicBoolean inFlight = new AtomicBoolean();

    public RealChain(List<Interceptor> interceptors, int index, int firstNetwork, CallState call) {
        this.interceptors = interceptors;
        this.index = index;
        this.firstNetwork = firstNetwork;
        this.call = call;
    }

    CallState call() {
        return call;
    }

    @Override
    public CompletionStage<ClientResponse> proceed(ClientRequest request) {
        Objects.requireNonNull(request, "request");
        if (index >= interceptors.size()) {
            throw new IllegalStateException("the last interceptor (" + owner() + ") must not call proceed()");
        }
        boolean network = index - 1 >= firstNetwork;
        if (network && calls.incrementAndGet() > 1) {
            throw new IllegalStateException("network interceptor " + owner() + " must call proceed() exactly once");
        }
        if (!inFlight.compareAndSet(false, true)) {
            throw new IllegalStateException("interceptor " + owner() + " called proceed() again before the previous "
                    + "attempt completed; call it again (to retry) only from the previous stage's completion");
        }
        Throwable aborted = call.abortCause();
        if (aborted != null) {
            inFlight.set(false);
            return CompletableFuture.failedFuture(aborted);
        }
        Interceptor next = interceptors.get(index);
        RealChain nextChain = new RealChain(interceptors, index + 1, firstNetwork, call);
        CompletionStage<ClientResponse> stage;
        try {
            stage = next.intercept(request, nextChain);
            if (stage == null) {
                throw new NullPointerException("interceptor " + next + " returned null instead of a stage");
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        boolean checkProceeded = index >= firstNetwork && index < interceptors.size() - 1;
        // dependents of the returned stage run after the flag is cleared, so a retry from them is legal
        return stage.thenApply(response -> {
            if (checkProceeded && nextChain.calls.get() == 0) {
                throw new IllegalStateException("network interceptor " + next + " returned a response without calling proceed()");
            }
            return response;
        }).whenComplete((r, e) -> inFlight.set(false));
    }

    private String owner() {
        return index == 0 ? "(the call)" : String.valueOf(interceptors.get(index - 1));
    }

    @Override
    public ScheduledExecutorService executor() {
        return call.loop();
    }

    @Override
    public Deadline deadline() {
        return call.deadline();
    }

    @Override
    public boolean isCancelled() {
        return call.isAborted();
    }
}
