package dev.baton.operations.store;

/**
 * One visible change of an operation, as its event stream sends it: {@code id} counts 1, 2, 3...
 * per operation, {@code kind} is {@code status}, {@code progress} or the terminal status's name,
 * and {@code snapshot} is the operation just after the change.
 *
 * <pre>{@code store.events(id, lastEventId).thenAccept(events -> events.forEach(send));}</pre>
 */
public record OperationEvent(long id, String kind, OperationRecord snapshot) {
    public static final String STATUS = "status";
    public static final String PROGRESS = "progress";

    /** True for the event after which nothing more happens. */
    public boolean isTerminal() {
        return snapshot.isTerminal();
    }
}
