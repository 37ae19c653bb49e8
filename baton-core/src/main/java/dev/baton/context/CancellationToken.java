package dev.baton.context;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Fires once when the request it belongs to is abandoned, and says why.
 *
 * <pre>{@code ctx.cancellation().onCancel(reason -> outbound.abort());}</pre>
 *
 * Callbacks run exactly once, on the thread that cancels (or at once, on the caller's thread,
 * when registered after the token fired). A callback that throws does not stop the others.
 */
public interface CancellationToken {

    /** A token that never fires, for work outside a request. */
    CancellationToken NONE = CancellationSource.never();

    boolean isCancelled();

    /** The reason, once cancelled. */
    Optional<CancellationReason> reason();

    /** Runs {@code callback} once when the token fires; the registration can be withdrawn. */
    Registration onCancel(Consumer<CancellationReason> callback);

    /** Completes with the reason when the token fires; never completes otherwise. */
    CompletionStage<CancellationReason> whenCancelled();

    /** Throws {@link java.util.concurrent.CancellationException} if the token has fired. */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new java.util.concurrent.CancellationException("request cancelled: " + reason().orElseThrow());
        }
    }

    /** A withdrawable callback registration. */
    interface Registration extends AutoCloseable {
        /** Withdraws the callback; a no-op once it ran. */
        @Override
        void close();
    }
}
