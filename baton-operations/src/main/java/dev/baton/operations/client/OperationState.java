package dev.baton.operations.client;

import java.util.Locale;

/**
 * Where an operation is in its life, as a service reports it in the {@code status} member.
 * Parsing is lenient on purpose, so that one client follows Baton and any service that follows
 * the Microsoft REST API guidelines: case is ignored, {@code InProgress} means running and
 * {@code Cancelled} means canceled.
 *
 * <pre>{@code if (progress.status().isTerminal()) bar.done();}</pre>
 */
public enum OperationState {
    /** Accepted, waiting to run (or waiting for its next attempt). */
    NOT_STARTED,
    /** Running now. */
    RUNNING,
    /** Ended with a result. */
    SUCCEEDED,
    /** Ended with an error. */
    FAILED,
    /** Ended because someone cancelled it (or the server stopped). */
    CANCELED;

    /** True for {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELED}: nothing changes after them. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /**
     * The state a status string names. An unknown or missing status is {@link #RUNNING}: the
     * guidelines let a service add statuses of its own, and only the known terminal ones may
     * end the wait.
     */
    public static OperationState parse(String status) {
        if (status == null) {
            return RUNNING;
        }
        return switch (status.strip().replace("_", "").replace("-", "").toLowerCase(Locale.ROOT)) {
            case "notstarted" -> NOT_STARTED;
            case "succeeded" -> SUCCEEDED;
            case "failed" -> FAILED;
            case "canceled", "cancelled" -> CANCELED;
            default -> RUNNING; // "running", "inprogress", and anything a service invented
        };
    }
}
