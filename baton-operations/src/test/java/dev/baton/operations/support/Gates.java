package dev.baton.operations.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Futures a test completes to let a handler go on, keyed by name: no sleeping to orchestrate a handler. */
public final class Gates {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

    public CompletableFuture<Void> gate(String name) {
        return gates.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    public void open(String name) {
        gate(name).complete(null);
    }

    /** Blocks the (virtual) handler thread until the test opens the gate. */
    public void await(String name) throws Exception {
        gate(name).get(30, TimeUnit.SECONDS);
    }
}
