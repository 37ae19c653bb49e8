package dev.baton.examples;

import dev.baton.Server;
import dev.baton.controller.Body;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.controller.Post;
import dev.baton.http.Response;
import java.util.List;
import java.util.Optional;

/**
 * A controller: annotated methods, parameters bound by name, values written as text or JSON.
 *
 * <pre>{@code java dev.baton.examples.HelloController 8080
 * curl 'localhost:8080/greetings/Ada?excited=true'
 * curl -d '{"name":"Ada","languages":["en","fr"]}' -H 'Content-Type: application/json' localhost:8080/greetings}</pre>
 */
@Controller("/greetings")
public class HelloController {

    /** A JSON body and a JSON answer. */
    public record Person(String name, List<String> languages) {
    }

    public record Greeting(String text) {
    }

    /** {@code name} comes from the path, {@code excited} from the query (absent: false). */
    @Get("/{name}")
    public String hello(String name, Optional<Boolean> excited) {
        return "Hello, " + name + (excited.orElse(false) ? "!" : ".");
    }

    /** A record parameter is the JSON body; a {@link Response} sets the status and headers. */
    @Post
    public Response greet(Person person) {
        List<Greeting> greetings = person.languages().stream()
                .map(lang -> new Greeting(switch (lang) {
                    case "fr" -> "Bonjour, " + person.name();
                    case "de" -> "Hallo, " + person.name();
                    default -> "Hello, " + person.name();
                }))
                .toList();
        return Response.status(201).json(greetings);
    }

    public static Server start(int port) {
        return Server.builder().config(c -> c.port(port)).controllers(new HelloController()).build().start();
    }

    public static void main(String[] args) {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("HelloController listening on http://localhost:" + server.port() + "/greetings/World");
    }
}
