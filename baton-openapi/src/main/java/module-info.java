/**
 * An OpenAPI 3.1 document of a server's routes, served as JSON.
 *
 * <pre>{@code module my.app { requires dev.baton.openapi; }}</pre>
 */
module dev.baton.openapi {
    requires transitive dev.baton.core;

    exports dev.baton.openapi;

    opens dev.baton.openapi.internal to com.fasterxml.jackson.databind;
}
