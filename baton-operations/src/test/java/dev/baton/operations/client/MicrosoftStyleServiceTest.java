package dev.baton.operations.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.client.HttpStatusException;
import dev.baton.client.RetryPolicy;
import dev.baton.http.Response;
import dev.baton.routing.Routing;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The polling fallback, against plain Baton routes that behave as a service following the
 * Microsoft REST API guidelines: 202 with {@code Operation-Location}, a status monitor with
 * capitalized statuses, {@code Retry-After} and {@code ETag}, and no event stream (404).
 */
class MicrosoftStyleServiceTest {
    record Job(String kind) {
    }

    record Report(int year, long rows) {
    }

    /** One job: how it goes, and how many times its status was read. */
    static final class Script {
        final String kind;
        final AtomicInteger polls = new AtomicInteger();
        final List<Long> pollNanos = new CopyOnWriteArrayList<>();

        Script(String kind) {
            this.kind = kind;
        }
    }

    final Map<String, Script> jobs = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    final List<String> owners = new CopyOnWriteArrayList<>();
    final AtomicInteger notModified = new AtomicInteger();
    final AtomicInteger ids = new AtomicInteger();
    Server server;
    Server elsewhere;
    HttpClient http;
    OperationsClient ops;

    @BeforeEach
    void start() {
        server = Server.builder().config(c -> c.port(0).host("127.0.0.1")).routing(this::routes).build().start();
        elsewhere = Server.builder().config(c -> c.port(0).host("127.0.0.1")).routing(this::routes).build().start();
        // no retries in the HttpClient: the follow's own handling of 503 is what is tested
        http = HttpClient.builder().eventLoopThreads(1).retry(RetryPolicy.none()).build();
        ops = OperationsClient.builder(http, URI.create("http://127.0.0.1:" + server.port() + "/lro"))
                .header("X-Owner", "alice").minPollInterval(Duration.ZERO).maxPollInterval(Duration.ofMillis(200))
                .pollInterval(Duration.ofMillis(10)).reconnectDelay(Duration.ofMillis(10)).build();
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(Duration.ofMillis(200));
        elsewhere.stop(Duration.ofMillis(200));
    }

    private void routes(Routing r) {
        r.use((ctx, next) -> {
            requests.add(ctx.request().method() + " " + ctx.request().uri());
            return next.proceed();
        });
        r.post("/lro/jobs", ctx -> {
            Job job = ctx.request().bodyAs(Job.class);
            idempotencyKeys.add(ctx.request().headers().first("Idempotency-Key").orElse(""));
            String id = "job" + ids.incrementAndGet();
            jobs.put(id, new Script(job.kind()));
            String host = "http://127.0.0.1:" + (job.kind().equals("elsewhere") ? elsewhere.port() : server.port());
            if (job.kind().equals("locationPattern")) {
                return Response.status(202).header("Location", "/lro/monitor/" + id).build();
            }
            return Response.status(202).header("Location", "/lro/not-this-one/" + id)
                    .header("Operation-Location", host + "/lro/status/" + id + "?api-version=2024-01-01").build();
        });
        r.get("/lro/status/{id}", ctx -> {
            owners.add(ctx.request().headers().first("X-Owner").orElse("none"));
            Script job = jobs.get(ctx.request().path("id").asString());
            job.pollNanos.add(System.nanoTime());
            int poll = job.polls.incrementAndGet();
            if (job.kind.equals("flaky") && poll == 1) {
                return Response.status(503).header("Retry-After", "0").text("busy");
            }
            int step = (poll - 1) / 2; // each state is served twice: the second time, If-None-Match matches
            String etag = "\"v" + step + "\"";
            if (etag.equals(ctx.request().headers().first("If-None-Match").orElse(null))) {
                notModified.incrementAndGet();
                return Response.status(304).header("ETag", etag).header("Retry-After", "0").build();
            }
            String retryAfter = switch (job.kind) {
                case "slow" -> poll == 1 ? "1" : "0";
                case "huge" -> "3600";
                case "date" -> DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(5));
                default -> "0";
            };
            return Response.ok().header("ETag", etag).header("Retry-After", retryAfter).json(status(job.kind, step));
        });
        r.get("/lro/monitor/{id}", ctx -> {
            Script job = jobs.get(ctx.request().path("id").asString());
            return job.polls.incrementAndGet() < 3 ? Response.status(202).header("Retry-After", "0").build()
                    : Response.ok().json(new Report(2026, 7));
        });
        r.get("/lro/results/{id}", ctx -> new Report(2026, 99));
    }

    /** The status monitor's document at {@code step}. */
    static Map<String, Object> status(String kind, int step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "job");
        switch (kind) {
            case "fail" -> {
                m.put("status", step == 0 ? "NotStarted" : "Failed");
                if (step > 0) {
                    m.put("error", Map.of("code", "QuotaExceeded", "message", "no quota left", "target", "size"));
                }
            }
            case "cancel" -> m.put("status", step == 0 ? "InProgress" : "Cancelled");
            case "resourceLocation" -> {
                m.put("status", step == 0 ? "Running" : "Succeeded");
                if (step > 0) {
                    m.put("resourceLocation", "/lro/results/job");
                }
            }
            default -> {
                m.put("status", switch (step) { case 0 -> "NotStarted"; case 1, 2 -> "InProgress"; default -> "Succeeded"; });
                m.put("percentComplete", step >= 3 ? 100 : step * 30);
                if (step >= 3) {
                    m.put("result", Map.of("year", 2026, "rows", 42));
                }
            }
        }
        return m;
    }

    @Test
    void withoutAnEventStreamTheClientPollsWithETagsAndDeliversEachStateOnce() throws Exception {
        List<OperationProgress> seen = new CopyOnWriteArrayList<>();
        Report report = ops.submit("jobs", new Job("succeed"), Report.class, seen::add).get(10, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new Report(2026, 42));
        assertThat(seen).containsExactly(new OperationProgress("job", OperationState.NOT_STARTED, 0, null),
                new OperationProgress("job", OperationState.RUNNING, 30, null),
                new OperationProgress("job", OperationState.RUNNING, 60, null),
                new OperationProgress("job", OperationState.SUCCEEDED, 100, null));
        assertThat(notModified).as("If-None-Match was sent and answered 304").hasPositiveValue();
        assertThat(requests).as("Operation-Location wins over Location; the events URL keeps the query")
                .contains("GET /lro/status/job1/events?api-version=2024-01-01", "GET /lro/status/job1?api-version=2024-01-01")
                .noneMatch(line -> line.contains("not-this-one"));
        assertThat(idempotencyKeys).singleElement().asString().matches("[0-9a-f-]{36}");
        assertThat(owners).as("the configured header goes to the base's origin").containsOnly("alice");
    }

    @Test
    void aFailedOperationCarriesTheServicesErrorAsAProblem() {
        assertThatThrownBy(() -> ops.submit("jobs", new Job("fail"), Report.class).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(OperationFailedException.class, e -> {
                    assertThat(e.status()).isEqualTo(OperationState.FAILED);
                    assertThat(e.operationId()).isEqualTo("job");
                    assertThat(e.problem().title()).isEqualTo("QuotaExceeded");
                    assertThat(e.problem().detail()).isEqualTo("no quota left");
                    assertThat(e.problem().status()).as("the service gave no HTTP status").isZero();
                    assertThat(e.problem().extensions()).containsEntry("code", "QuotaExceeded").containsEntry("target", "size");
                });
    }

    @Test
    void cancelledSpelledTheBritishWayEndsCanceled() {
        assertThatThrownBy(() -> ops.submit("jobs", new Job("cancel"), Report.class).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(OperationFailedException.class,
                        e -> assertThat(e.status()).isEqualTo(OperationState.CANCELED));
    }

    @Test
    void withoutAResultMemberTheResultIsReadFromResourceLocation() throws Exception {
        assertThat(ops.submit("jobs", new Job("resourceLocation"), Report.class).get(10, TimeUnit.SECONDS))
                .isEqualTo(new Report(2026, 99));
    }

    @Test
    void aStatusUrlThatAnswers202UntilItAnswersTheResourceItselfIsFollowedToThatResource() throws Exception {
        assertThat(ops.submit("jobs", new Job("locationPattern"), Report.class).get(10, TimeUnit.SECONDS))
                .isEqualTo(new Report(2026, 7));
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        OperationsClient patient = OperationsClient.builder(http, ops.base()).minPollInterval(Duration.ZERO)
                .maxPollInterval(Duration.ofSeconds(5)).events(false).build();
        patient.submit("jobs", new Job("slow"), Report.class).get(10, TimeUnit.SECONDS);

        List<Long> times = jobs.get("job1").pollNanos;
        assertThat(Duration.ofNanos(times.get(1) - times.get(0))).as("Retry-After: 1 after the first poll")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(requests).as("events(false): never asked for the stream").noneMatch(line -> line.contains("/events"));
    }

    @Test
    void aRetryAfterOfZeroStillWaitsTheFloorBetweenPolls() throws Exception {
        OperationsClient floored = OperationsClient.builder(http, ops.base()).minPollInterval(Duration.ofMillis(150))
                .events(false).build();
        floored.submit("jobs", new Job("succeed"), Report.class).get(10, TimeUnit.SECONDS);

        List<Long> times = jobs.get("job1").pollNanos;
        assertThat(times).hasSizeGreaterThan(2);
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.ofNanos(times.get(i) - times.get(i - 1))).isGreaterThanOrEqualTo(Duration.ofMillis(140));
        }
    }

    @Test
    void aRetryAfterPastTheCapWaitsOnlyTheCapAndAPastDateWaitsNothing() throws Exception {
        // maxPollInterval is 200 ms: an hour asked four times still ends within seconds
        assertThat(ops.submit("jobs", new Job("huge"), Report.class).get(10, TimeUnit.SECONDS)).isEqualTo(new Report(2026, 42));
        assertThat(ops.submit("jobs", new Job("date"), Report.class).get(10, TimeUnit.SECONDS)).isEqualTo(new Report(2026, 42));
    }

    @Test
    void aTransient503WhilePollingIsRetried() throws Exception {
        assertThat(ops.submit("jobs", new Job("flaky"), Report.class).get(10, TimeUnit.SECONDS)).isEqualTo(new Report(2026, 42));
        assertThat(jobs.get("job1").polls.get()).isGreaterThan(1);
    }

    @Test
    void theConfiguredHeadersNeverGoToAnotherOrigin() throws Exception {
        assertThat(ops.submit("jobs", new Job("elsewhere"), Report.class).get(10, TimeUnit.SECONDS)).isEqualTo(new Report(2026, 42));
        assertThat(owners).isNotEmpty().containsOnly("none");
    }

    @Test
    void anUnknownOperationFailsWithTheStatusOfThePoll() {
        assertThatThrownBy(() -> ops.follow(URI.create("/lro/nothing/here"), Report.class, p -> { }).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnyOfTheThreeHttpDateForms() {
        Instant now = Instant.parse("1994-11-06T08:49:00Z");
        assertThat(Poller.retryAfter(" 7 ", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(Poller.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now)).isEqualTo(Duration.ofSeconds(37));
        assertThat(Poller.retryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now)).isEqualTo(Duration.ofSeconds(37));
        assertThat(Poller.retryAfter("Sun Nov  6 08:49:37 1994", now)).isEqualTo(Duration.ofSeconds(37));
        assertThat(Poller.retryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now)).as("past").isZero();
        assertThat(Poller.retryAfter("soon", now)).isNull();
        assertThat(Poller.retryAfter("-1", now)).isNull();
    }
}
