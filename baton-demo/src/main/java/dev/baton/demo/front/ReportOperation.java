package dev.baton.demo.front;

import dev.baton.demo.catalog.BackendQuery;
import dev.baton.demo.catalog.Delay;
import dev.baton.demo.catalog.Gizmo;
import dev.baton.demo.catalog.Product;
import dev.baton.demo.catalog.Widget;
import dev.baton.demo.web.Html;
import dev.baton.operations.OperationContext;
import dev.baton.operations.OperationType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A long-running report as an operation ({@code POST /operations/report}): it walks through its
 * sections one backend call at a time, reporting progress after each, and holds no thread while
 * it waits. A cancel ({@code DELETE /operations/{id}}) fires its token: the call in flight is
 * aborted (the backend counts it as cancelled) and the report ends {@code canceled}.
 */
public final class ReportOperation {
    static final String TYPE = "report";
    private static final String[] RESOURCES = {"products", "widgets", "gizmos"};

    /**
     * The report's input; absent members take their defaults.
     *
     * @param sections      how many sections (backend calls), 1 to 50; 12 by default
     * @param sectionMillis how long the backend takes for each, 0 to 5000 ms; 500 by default
     */
    public record ReportRequest(Integer sections, Integer sectionMillis) {
        public ReportRequest {
            sections = sections == null ? 12 : sections;
            sectionMillis = sectionMillis == null ? 500 : sectionMillis;
            if (sections < 1 || sections > 50) {
                throw new IllegalArgumentException("sections must be 1 to 50, got " + sections);
            }
            if (sectionMillis < 0 || sectionMillis > 5000) {
                throw new IllegalArgumentException("sectionMillis must be 0 to 5000, got " + sectionMillis);
            }
        }
    }

    /** One section: which list it read, how many items, what they are worth. */
    public record Section(int number, String resource, int items, BigDecimal value) {
    }

    /** The result: every section and the totals. */
    public record Report(int sections, int items, BigDecimal value, long millis, List<Section> lines) {
    }

    private ReportOperation() {
    }

    /** The operation type, its backend calls made through {@code backend}. */
    public static OperationType<ReportRequest> type(Outbound backend) {
        return OperationType.of(TYPE, ReportRequest.class, (input, op) -> new Run(backend, input, op).start())
                .timeout(Duration.ofMinutes(5));
    }

    /** One run: each section's call starts when the previous one ended; nothing blocks. */
    private static final class Run {
        private final Outbound backend;
        private final ReportRequest input;
        private final OperationContext op;
        private final CompletableFuture<Report> result = new CompletableFuture<>();
        private final List<Section> lines = new ArrayList<>(); // one callback at a time: the sections run in turn
        private final long started = System.nanoTime();
        private volatile CompletableFuture<?> current;

        Run(Outbound backend, ReportRequest input, OperationContext op) {
            this.backend = backend;
            this.input = input;
            this.op = op;
        }

        CompletableFuture<Report> start() {
            op.cancellation().onCancel(reason -> {
                result.cancel(false); // the operation ends canceled
                CompletableFuture<?> call = current;
                if (call != null) {
                    call.cancel(true); // aborts the call and closes its connection: the backend sees it
                }
            });
            op.progress(0, "starting " + Html.plural(input.sections(), "section", "sections"));
            section(1);
            return result;
        }

        private void section(int n) {
            if (result.isDone()) {
                return;
            }
            if (n > input.sections()) {
                int items = lines.stream().mapToInt(Section::items).sum();
                BigDecimal value = lines.stream().map(Section::value).reduce(BigDecimal.ZERO, BigDecimal::add);
                result.complete(new Report(input.sections(), items, value, (System.nanoTime() - started) / 1_000_000,
                        List.copyOf(lines)));
                return;
            }
            String resource = RESOURCES[(n - 1) % RESOURCES.length];
            CompletableFuture<? extends List<?>> call = fetch(resource);
            current = call;
            if (result.isDone()) { // cancelled while the call was being made
                call.cancel(true);
                return;
            }
            call.whenComplete((items, error) -> {
                if (error != null) {
                    result.completeExceptionally(error); // a no-op once cancelled
                    return;
                }
                lines.add(new Section(n, resource, items.size(), value(items)));
                op.progress(n * 100 / input.sections(), "section " + n + " of " + input.sections() + ": "
                        + Html.plural(items.size(), resource.substring(0, resource.length() - 1), resource));
                section(n + 1);
            });
        }

        private CompletableFuture<? extends List<?>> fetch(String resource) {
            BackendQuery q = BackendQuery.NONE.withDelay(new Delay(input.sectionMillis(), input.sectionMillis()));
            return switch (resource) {
                case "products" -> backend.products(null, q);
                case "widgets" -> backend.widgets(null, q);
                default -> backend.gizmos(null, q);
            };
        }

        private static BigDecimal value(List<?> items) {
            BigDecimal sum = BigDecimal.ZERO;
            for (Object item : items) {
                sum = sum.add(switch (item) {
                    case Product p -> p.price();
                    case Widget w -> w.price();
                    case Gizmo g -> g.price().multiply(BigDecimal.valueOf(g.quantity()));
                    default -> BigDecimal.ZERO;
                });
            }
            return sum;
        }
    }
}
