package dev.baton.operations;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an operation is in its life, with the names the Microsoft REST API guidelines use on
 * the wire ({@code notStarted}, {@code running}, ...).
 *
 * <pre>{@code if (op.status().isTerminal()) show(op.result());}</pre>
 */
public enum OperationStatus {
    NOT_STARTED("notStarted"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELED("canceled");

    private final String wire;

    OperationStatus(String wire) {
        this.wire = wire;
    }

    /** The name on the wire. */
    @JsonValue
    public String wireName() {
        return wire;
    }

    /** True for succeeded, failed and canceled: nothing changes after them. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** The status of a wire name, case-insensitively; null when it names none. */
    @JsonCreator
    public static OperationStatus fromWire(String name) {
        for (OperationStatus s : values()) {
            if (s.wire.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
