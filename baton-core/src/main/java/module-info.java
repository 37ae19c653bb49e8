/**
 * Baton's server: the server and its config, routing, middleware, controllers, the request
 * context and the HTTP model. Applications on the module path {@code requires dev.baton.core}
 * and open the packages of their controllers and JSON types to it and to Jackson:
 *
 * <pre>{@code module my.app { requires dev.baton.core; opens my.app.api to dev.baton.core, com.fasterxml.jackson.databind; }}</pre>
 */
module dev.baton.core {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive io.netty.transport;
    requires transitive org.slf4j;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport.classes.epoll;
    requires java.management;
    requires jdk.jfr;

    exports dev.baton;
    exports dev.baton.config;
    exports dev.baton.context;
    exports dev.baton.controller;
    exports dev.baton.http;
    exports dev.baton.routing;
    exports dev.baton.staticfiles;
    exports dev.baton.tls;
    exports dev.baton.websocket;

    // shared plumbing of Baton's own modules, not API
    exports dev.baton.internal to dev.baton.client, dev.baton.operations, dev.baton.micrometer, dev.baton.openapi,
            dev.baton.testing;
    exports dev.baton.internal.metrics to dev.baton.operations, dev.baton.micrometer;
    exports dev.baton.internal.netty to dev.baton.client;

    opens dev.baton.internal.json to com.fasterxml.jackson.databind;
    opens dev.baton.internal.netty to com.fasterxml.jackson.databind;
}
