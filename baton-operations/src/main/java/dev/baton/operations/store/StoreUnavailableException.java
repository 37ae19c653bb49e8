package dev.baton.operations.store;

/**
 * The store cannot be reached now (its database is down, restarting or out of connections): the
 * call failed fast instead of waiting. Nothing was written by it unless the store says otherwise;
 * trying again later is safe. The HTTP API answers it with {@code 503} and {@code Retry-After}, and
 * the runner retries an outcome's write until it lands.
 *
 * <pre>{@code store.get(id).exceptionally(e -> e.getCause() instanceof StoreUnavailableException ? retryLater() : fail(e))}</pre>
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
