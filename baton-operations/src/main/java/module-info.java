/**
 * Long-running operations: 202 + Location, status, cancel, progress over SSE, and the client
 * that follows one to its end. In memory by default; the store is an SPI.
 *
 * <pre>{@code module my.app { requires dev.baton.operations; }}</pre>
 */
module dev.baton.operations {
    requires transitive dev.baton.core;
    requires transitive dev.baton.client;

    exports dev.baton.operations;
    exports dev.baton.operations.client;
    exports dev.baton.operations.store;
    exports dev.baton.operations.internal to dev.baton.operations.postgres, dev.baton.micrometer;

    opens dev.baton.operations to com.fasterxml.jackson.databind;
    opens dev.baton.operations.internal to com.fasterxml.jackson.databind;
}
