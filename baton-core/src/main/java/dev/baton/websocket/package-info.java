/**
 * WebSocket routes (RFC 6455): a route registered with {@code routing.ws(path, ws -> ...)}
 * upgrades a GET to a {@link dev.baton.websocket.WebSocketSession}, whose messages reach the
 * callbacks of its {@link dev.baton.websocket.WebSocketEndpoint} in order, one at a time, on the
 * route's execution model.
 *
 * <pre>{@code
 * routing.ws("/chat/{room}", ws -> ws
 *         .subprotocols("chat.v1")
 *         .onOpen(session -> rooms.join(session.request().path("room").asString(), session))
 *         .onText((session, text) -> rooms.broadcast(session, text))
 *         .onClose((session, code, reason) -> rooms.leave(session)));
 * }</pre>
 */
package dev.baton.websocket;
