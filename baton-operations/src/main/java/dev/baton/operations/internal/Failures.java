package dev.baton.operations.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The failure inside the wrappers that futures put around it. */
final class Failures {
    private Failures() {
    }

    static Throwable cause(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
