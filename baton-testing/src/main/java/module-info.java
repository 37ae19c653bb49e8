/**
 * The test kit: a JUnit 5 extension that starts a server on port 0 and hands tests a client
 * bound to it.
 *
 * <pre>{@code open module my.app.test { requires dev.baton.testing; }}</pre>
 */
module dev.baton.testing {
    requires transitive dev.baton.core;
    requires transitive dev.baton.client;
    requires transitive dev.baton.testing.await;
    requires transitive org.junit.jupiter.api;
    requires static org.assertj.core;

    exports dev.baton.testing;
}
