package dev.baton.openapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.baton.context.CancellationToken;
import dev.baton.context.RequestContext;
import dev.baton.controller.AsyncOperations;
import dev.baton.controller.Body;
import dev.baton.controller.Controller;
import dev.baton.controller.Delete;
import dev.baton.controller.Get;
import dev.baton.controller.Header;
import dev.baton.controller.NoTimeout;
import dev.baton.controller.PathParam;
import dev.baton.controller.Post;
import dev.baton.controller.Put;
import dev.baton.controller.Query;
import dev.baton.controller.RespondAsync;
import dev.baton.controller.Responder;
import dev.baton.controller.Timeout;
import dev.baton.http.Response;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A controller that uses every binder and return style, and the types its bodies are made of. */
@Controller("/gizmos")
public class GizmoApi {

    /** As JSpecify's or JSR 305's: matched by simple name. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE_USE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
    public @interface Nullable {
    }

    public enum Color { RED, GREEN, @JsonProperty("deep-blue") BLUE }

    public record Dimensions(double width, double height, Optional<Double> depth) {
    }

    public record Part(String label, int count) {
    }

    public record Gizmo(UUID id, String name, Color color, Dimensions size, List<Part> parts, Set<String> tags,
                        Map<String, Integer> stock, Instant created, LocalDate released, BigDecimal price,
                        Optional<String> note, @Nullable String nickname, Optional<Part> spare,
                        @JsonPropertyDescription("how long one takes to make") Duration buildTime) {
    }

    public record NewGizmo(@JsonProperty(required = true) String name, Color color, Dimensions size, List<Part> parts,
                           Optional<String> note) {
    }

    /** A value type read from text through its factory: a query parameter, not a body. */
    public record Sku(String code) {
        public static Sku of(String code) {
            return new Sku(code);
        }
    }

    /** A tree: its schema refers to itself. */
    public record Category(String name, List<Category> children) {
    }

    /** A plain class, not a record: its getters are its properties. */
    public static class Summary {
        private final int count;

        public Summary(int count) {
            this.count = count;
        }

        public int getCount() {
            return count;
        }

        public long getTotal() {
            return count * 10L;
        }

        @JsonIgnore
        public String getSecret() {
            return "hidden";
        }
    }

    static Gizmo gizmo(UUID id) {
        return new Gizmo(id, "sprocket", Color.RED, new Dimensions(1, 2, Optional.empty()), List.of(new Part("cog", 3)),
                Set.of("new"), Map.of("paris", 4), Instant.parse("2026-01-31T10:15:30Z"), LocalDate.parse("2026-01-31"),
                new BigDecimal("9.99"), Optional.empty(), null, Optional.empty(), Duration.ofMinutes(5));
    }

    @Get("/{id}")
    public CompletionStage<Optional<Gizmo>> find(UUID id, @Query("verbose") Optional<Boolean> verbose,
                                                 @Header("X-Request-Id") Optional<UUID> requestId, RequestContext ctx) {
        return CompletableFuture.completedFuture(id.getLeastSignificantBits() == 0 ? Optional.empty() : Optional.of(gizmo(id)));
    }

    @Get
    public List<Gizmo> list(int limit, Optional<Integer> offset, List<String> tag, Color color, Instant since,
                            @Query("released-before") Optional<LocalDate> releasedBefore, Optional<Sku> sku) {
        return List.of();
    }

    @Post
    @Timeout(2000)
    public Response create(@Body NewGizmo gizmo, @Header("Idempotency-Key") String key) {
        return Response.status(201).header("Location", "/gizmos/" + UUID.randomUUID()).json(gizmo(UUID.randomUUID()));
    }

    @Put("/{id}")
    public Gizmo replace(@PathParam("id") UUID gizmoId, NewGizmo gizmo) {
        return gizmo(gizmoId);
    }

    @Delete("/{id}")
    @NoTimeout
    public void remove(UUID id, CancellationToken token) {
    }

    @Get("/{id}/name")
    public String name(UUID id) {
        return "sprocket";
    }

    @Get("/{id}/photo")
    public byte[] photo(UUID id) {
        return new byte[] {1, 2, 3};
    }

    @Post("/{id}/notes")
    public CompletionStage<Void> addNote(UUID id, @Body Optional<String> text) {
        return CompletableFuture.completedFuture(null);
    }

    @Get("/colors/{color}")
    public Map<String, Long> byColor(Color color) {
        return Map.of(color.name(), 1L);
    }

    @Get("/categories")
    public Category categories() {
        return new Category("all", List.of());
    }

    @Get("/summary")
    public Summary summary() {
        return new Summary(3);
    }

    @Get("/later")
    public void later(Responder responder) {
        responder.complete("later");
    }

    @Get("/portal")
    public void portal(AsyncOperations ops) {
        ops.parameters().put("count", 2);
    }

    public List<Part> portalCompleted(Integer count) {
        return List.of(new Part("portal", count));
    }

    @Post("/reports")
    @RespondAsync
    public CompletionStage<Summary> report(@Body Map<String, Object> input) {
        return CompletableFuture.completedFuture(new Summary(input.size()));
    }
}
