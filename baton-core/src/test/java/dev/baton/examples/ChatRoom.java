package dev.baton.examples;

import dev.baton.Server;
import dev.baton.websocket.WebSocketSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A WebSocket chat: every text a session sends goes to every session in its room, as
 * {@code "name: text"}. The room is a path parameter, the name a query parameter of the handshake.
 *
 * <pre>{@code java dev.baton.examples.ChatRoom 8080; websocat 'ws://localhost:8080/rooms/lobby?name=ada'}</pre>
 */
public final class ChatRoom {
    private ChatRoom() {
    }

    public static Server start(int port) {
        Map<String, Set<WebSocketSession>> rooms = new ConcurrentHashMap<>();
        return Server.builder()
                .config(c -> c.port(port))
                .routing(r -> r.ws("/rooms/{room}", ws -> ws
                        .onOpen(session -> rooms.computeIfAbsent(room(session), k -> ConcurrentHashMap.newKeySet()).add(session))
                        .onText((session, text) -> {
                            String line = session.request().query("name").asString("someone") + ": " + text;
                            // the next message of this session waits until every member has been written to
                            return CompletableFuture.allOf(rooms.getOrDefault(room(session), Set.of()).stream()
                                    .map(member -> member.sendText(line).toCompletableFuture().exceptionally(e -> null))
                                    .toArray(CompletableFuture[]::new));
                        })
                        .onClose((session, code, reason) -> rooms.getOrDefault(room(session), Set.of()).remove(session))))
                .build()
                .start();
    }

    private static String room(WebSocketSession session) {
        return session.request().path("room").asString();
    }

    public static void main(String[] args) {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("ChatRoom listening on ws://localhost:" + server.port() + "/rooms/{room}?name=...");
    }
}
