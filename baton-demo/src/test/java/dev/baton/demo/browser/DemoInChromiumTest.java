package dev.baton.demo.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.demo.DemoApp;
import dev.baton.demo.DemoOptions;
import dev.baton.demo.RunningDemo;
import dev.baton.demo.catalog.Delay;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The demo's pages in a real browser: the system's headless Chromium, one for the whole class,
 * against one demo on free ports. What only a browser can show is checked here: the dashboard's
 * script draws its charts from the event stream, the report page's progress bar follows the
 * operation's events, its forms start, cancel and re-attach, and the error mapper's pages are
 * what a person sees. Every test writes a screenshot to {@code target/screenshots/}.
 */
@Timeout(value = 45, unit = TimeUnit.SECONDS)
class DemoInChromiumTest {
    /**
     * The backend's delay when a page asks for none: slower than the timeout pages' 50 and 150 ms,
     * so that they time out; the other pages ask for a short one ({@code ?delay=}).
     */
    static final Duration BACKEND_DELAY = Duration.ofMillis(400);
    static final ObjectMapper JSON = new ObjectMapper();

    static RunningDemo demo;
    static String front;
    static Chromium chromium;
    static ChromeDriver browser;
    static HttpClient http;

    /**
     * Console lines no test fails on: none. (The browser asks a site for {@code /favicon.ico} unless
     * its page names an icon; the demo's pages name one inline, and the route serves it besides.)
     */
    static final List<String> TOLERATED_CONSOLE = List.of();

    private String testName;
    /** What this test expects in the console besides (a page's own error status, say). */
    private final List<String> expectedConsole = new ArrayList<>();

    /** A failed test leaves a screenshot of where the browser was: {@code <test>-FAILED.png}. */
    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (chromium != null) {
                String method = context.getRequiredTestMethod().getName(), shown = context.getDisplayName();
                String name = method + (shown.startsWith(method + "(") ? "" : "-" + shown.replaceAll("[^A-Za-z0-9._-]", "_"))
                        + "-FAILED";
                try {
                    chromium.screenshot(name);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    };

    @BeforeAll
    static void start() throws IOException {
        chromium = Chromium.start(); // first: without a browser, nothing else is worth starting
        browser = chromium.driver;
        demo = DemoApp.start(DemoOptions.builder().port(0).backendDelay(Delay.of(BACKEND_DELAY)).build());
        front = demo.frontUri().toString();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (demo != null) {
                demo.close();
            }
        }
    }

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        chromium.consoleErrors(); // what an earlier test left in the console is its own business
    }

    @AfterEach
    void noScriptErrors() {
        List<String> errors = chromium.consoleErrors().stream()
                .filter(e -> Stream.concat(TOLERATED_CONSOLE.stream(), expectedConsole.stream()).noneMatch(e::contains))
                .toList();
        assertThat(errors).as("errors in the browser's console during " + testName).isEmpty();
    }

    @Test
    void theDashboardsChartsRenderWithData() {
        // traffic all along, so that every second's sample has some: twenty light pages a second, and
        // twenty that time out (150 ms against the backend's 400), for the timeouts' line and so that
        // about three are in flight at any sample (with five a second the in-flight line was often 0)
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        Queue<CompletableFuture<?>> sent = new ConcurrentLinkedQueue<>();
        HttpRequest light = HttpRequest.newBuilder(URI.create(front + "/ProductsAsync?delay=5")).build();
        HttpRequest timingOut = HttpRequest.newBuilder(URI.create(front + "/GizmosCancelAsync")).build();
        traffic.scheduleAtFixedRate(() -> sent.add(http.sendAsync(light, HttpResponse.BodyHandlers.discarding())), 0, 50,
                TimeUnit.MILLISECONDS);
        traffic.scheduleAtFixedRate(() -> sent.add(http.sendAsync(timingOut, HttpResponse.BodyHandlers.discarding())), 0,
                50, TimeUnit.MILLISECONDS);
        try {
            chromium.open(front + "/dashboard");
            chromium.waitUpTo(Duration.ofSeconds(10), "the dashboard to be live with 3 samples").until(d -> {
                WebElement main = d.findElement(By.id("dashboard"));
                return "live".equals(main.getDomAttribute("data-state"))
                        && Integer.parseInt(main.getDomAttribute("data-samples")) >= 3;
            });
            chromium.waitUpTo(Duration.ofSeconds(5), "the charts' legends to show the traffic and its timeouts")
                    .until(d -> number(legendValue("chart-rps", 1)) > 0 && number(legendValue("chart-errors", 2)) > 0);
        } finally {
            traffic.shutdownNow();
            // what is still in flight ends here, not in the next test (whose counters it would move)
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        screenshot(testName); // before the assertions, so that a failure has one too

        // uPlot draws each chart on a canvas of the card's width, with a legend of the latest values;
        // one series of each (not on the floor, not grey like the axes) must show as a line of its colour
        record Chart(String id, List<String> series, int drawn, int rgb) {
        }
        List<Chart> charts = List.of(
                new Chart("chart-rps", List.of("requests/s"), 1, 0x3b82f6),
                new Chart("chart-latency", List.of("mean", "p50", "p99"), 3, 0xef4444),
                new Chart("chart-concurrency", List.of("in flight", "queued", "busy workers"), 1, 0x3b82f6),
                new Chart("chart-errors", List.of("503s", "timeouts", "disconnects", "safety nets"), 2, 0xf59e0b),
                new Chart("chart-threads", List.of("threads"), 1, 0x0ea5e9),
                new Chart("chart-heap", List.of("used", "committed"), 1, 0x10b981));
        for (Chart c : charts) {
            List<WebElement> canvases = browser.findElements(By.cssSelector("#" + c.id() + " .uplot canvas"));
            assertThat(canvases).as("#%s's uPlot canvas", c.id()).hasSize(1);
            WebElement canvas = canvases.getFirst();
            assertThat(canvas.getSize().getWidth()).as("#%s's canvas width", c.id()).isGreaterThan(200);
            assertThat(canvas.getSize().getHeight()).as("#%s's canvas height", c.id()).isGreaterThan(100);
            for (int i = 1; i <= c.series().size(); i++) {
                assertThat(legendLabel(c.id(), i)).as("#%s's series %d", c.id(), i).isEqualTo(c.series().get(i - 1));
                assertThat(number(legendValue(c.id(), i))).as("#%s's latest '%s'", c.id(), c.series().get(i - 1)).isNotNaN();
            }
            assertThat(paintedPixels(c.id(), c.rgb())).as("pixels of #%s's '%s' line", c.id(), c.series().get(c.drawn() - 1))
                    .isGreaterThan(100);
        }
        assertThat(number(legendValue("chart-threads", 1))).as("JVM threads").isGreaterThan(5);
        assertThat(number(legendValue("chart-heap", 1))).as("heap used, MiB").isGreaterThan(0);
        assertThat(number(browser.findElement(By.id("tile-rps")).getText())).as("the requests/s tile").isGreaterThan(0);
        assertThat(number(browser.findElement(By.id("tile-timeouts")).getText())).as("the timeouts tile").isGreaterThan(0);

        // the routes table, redrawn by the script from each sample
        assertThat(browser.findElements(By.cssSelector("#routes-body tr"))).isNotEmpty();
        WebElement products = browser.findElement(By.cssSelector("#routes-body tr[data-route='GET /ProductsAsync']"));
        List<WebElement> cells = products.findElements(By.tagName("td"));
        assertThat(cells).hasSize(8);
        assertThat(number(cells.get(2).getText())).as("/ProductsAsync's count").isGreaterThanOrEqualTo(20);
        assertThat(browser.findElements(By.cssSelector("#latency-route option")))
                .extracting(WebElement::getText).contains("GET /ProductsAsync");
        // the latency chart's legend names the one route its three series are of
        assertThat(legendLabel("chart-latency", 0)).as("the latency legend's route").startsWith("busiest: GET /");
        // the routes table lists the routes with traffic; the never-called ones only behind the toggle
        // (read at once by script: the rows are redrawn every second)
        List<?> counts = (List<?>) js("return [...document.querySelectorAll('#routes-body tr')].map(tr => tr.children[2].textContent)");
        assertThat(counts).as("the routes' counts").isNotEmpty().allSatisfy(c -> assertThat(number((String) c)).isGreaterThan(0));
        int uncalled = Integer.parseInt(browser.findElement(By.id("routes-uncalled")).getText());
        assertThat(uncalled).as("routes never called").isPositive();
        browser.findElement(By.id("routes-all")).click();
        chromium.waitUpTo(Duration.ofSeconds(3), "every route listed").until(d ->
                d.findElements(By.cssSelector("#routes-body tr")).size() >= counts.size() + uncalled);
        assertThat(browser.findElements(By.cssSelector("#extra-tiles .tile"))).as("the extra tiles").isNotEmpty();
    }

    @Test
    void aReportStartedFromItsFormShowsItsProgressTo100PercentAndSucceeds() {
        startReportFromTheForm(4, 300);

        // the bar moves while it runs (the operation's events, through the page's script) ...
        until(Duration.ofSeconds(5), "the bar part-way while the report runs",
                r -> r.status().equals("running") && between(r.percent(), 1, 99));
        // ... to the end, when the page reloads itself and the server renders the result
        Shown end = until(Duration.ofSeconds(10), "the report to succeed at 100 %",
                r -> r.status().equals("succeeded") && r.percent() == 100);
        assertThat(end.percentText()).isEqualTo("100 %");
        assertThat(browser.findElements(By.xpath("//h2[.='Result']/following::table[1]/tbody/tr"))).hasSize(4);
        assertThat(browser.findElements(By.xpath("//button[.='Cancel']"))).as("a Cancel button once it is over").isEmpty();
        screenshot(testName);
    }

    @Test
    void cancelStopsAReportAndThePageShowsCanceled() throws Exception {
        long cancelledBefore = backendCancelled();
        startReportFromTheForm(20, 500); // 10 s if nothing stops it
        until(Duration.ofSeconds(5), "the report to be running, a section done",
                r -> r.status().equals("running") && r.percent() >= 5);
        String url = browser.getCurrentUrl();

        browser.findElement(By.xpath("//button[.='Cancel']")).click();

        Shown end = until(Duration.ofSeconds(5), "the page to show the report canceled", r -> r.status().equals("canceled"));
        assertThat(browser.getCurrentUrl()).as("the page after the cancel form").isEqualTo(url);
        assertThat(end.percent()).as("where it stopped").isBetween(5, 99);
        assertThat(browser.findElements(By.xpath("//button[.='Cancel']"))).isEmpty();
        assertThat(browser.findElements(By.xpath("//h2[.='Result']"))).isEmpty();
        // the section's call in flight was aborted: the footer's live counters show the backend counted it
        waitForFooterCancelledAbove(cancelledBefore);
        screenshot(testName);
    }

    @Test
    void reloadingAReportsPageReattachesAndTheProgressGoesOn() {
        startReportFromTheForm(10, 300); // 3 s
        String url = browser.getCurrentUrl();
        int before = until(Duration.ofSeconds(5), "some progress before the reload",
                r -> r.status().equals("running") && r.percent() >= 20).percent();

        browser.navigate().refresh();

        assertThat(browser.getCurrentUrl()).isEqualTo(url);
        int rendered = shown(browser).percent();
        assertThat(rendered).as("the bar as the server renders it after the reload").isGreaterThanOrEqualTo(before);
        until(Duration.ofSeconds(5), "the bar to move on after the reload, live",
                r -> r.status().equals("running") && between(r.percent(), rendered + 1, 99));
        until(Duration.ofSeconds(10), "the report to succeed at 100 %",
                r -> r.status().equals("succeeded") && r.percent() == 100);
        assertThat(browser.getCurrentUrl()).isEqualTo(url);
        assertThat(browser.findElements(By.xpath("//h2[.='Result']/following::table[1]/tbody/tr"))).hasSize(10);
        screenshot(testName);
    }

    @Test
    void theTimeoutPagesShowTheApplicationsOwnTimedOutPage() throws Exception {
        record TimeoutPage(String path, long timeoutMillis) {
        }
        for (TimeoutPage p : List.of(new TimeoutPage("/PWGtimeOut", 50), new TimeoutPage("/GizmosCancelAsync", 150))) {
            long cancelledBefore = backendCancelled();
            // the document's own 504, which Chromium reports in the console as a failed load
            expectedConsole.add(p.path() + " - Failed to load resource: the server responded with a status of 504");

            chromium.open(front + p.path());

            assertThat(js("return document.contentType")).as(p.path() + "'s content type").isEqualTo("text/html");
            assertThat(browser.getTitle()).isEqualTo("Timed out · Baton demo");
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Timed out");
            WebElement lead = browser.findElement(By.cssSelector("p.lead"));
            assertThat(lead.findElement(By.cssSelector(".badge.bad")).getText()).isEqualTo("504");
            assertThat(lead.getText()).contains(p.path() + " did not finish within its " + p.timeoutMillis() + " ms timeout");
            assertThat(browser.findElement(By.tagName("main")).getText()).contains("What happened", "RequestTimeoutException");
            // the footer's live counters (live.js) show the backend's calls cancelled by the timeout
            waitForFooterCancelledAbove(cancelledBefore);
            screenshot(testName + "-" + p.path().substring(1));
        }

        // and its "Try with ?delay=10" link gets the page itself, within the timeout
        browser.findElement(By.linkText("Try with ?delay=10")).click();
        chromium.waitUpTo(Duration.ofSeconds(5), "the page itself").until(d -> d.getCurrentUrl().endsWith("?delay=10"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("GizmosCancelAsync");
        assertThat(browser.findElements(By.cssSelector("main table tbody tr"))).isNotEmpty();
    }

    @Test
    void anUnknownPageIsTheApplicationsNotFoundPage() {
        expectedConsole.add("/styles/sideways - Failed to load resource: the server responded with a status of 404");

        chromium.open(front + "/styles/sideways");

        assertThat(js("return document.contentType")).isEqualTo("text/html");
        assertThat(browser.getTitle()).isEqualTo("Not found · Baton demo");
        assertThat(browser.findElement(By.cssSelector("p.lead .badge.bad")).getText()).isEqualTo("404");
        assertThat(browser.findElement(By.cssSelector("p.lead")).getText()).contains("no controller style 'sideways'");
        screenshot(testName);
        browser.findElement(By.linkText("/styles")).click();
        chromium.waitUpTo(Duration.ofSeconds(5), "the styles index").until(d -> d.getCurrentUrl().endsWith("/styles"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Which thread ran what");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"value", "future", "responder", "operations"})
    void eachControllerStylePageShowsWhichThreadRanEachStage(String style) {
        chromium.open(front + "/styles/" + style + "?delay=50");

        assertThat(browser.findElement(By.tagName("h1")).getText()).isNotBlank();
        WebElement trace = browser.findElement(By.xpath("//h2[starts-with(., \"The server's trace\")]/following::table[1]"));
        assertThat(trace.findElements(By.cssSelector("thead th"))).extracting(WebElement::getText)
                .containsExactly("#", "stage", "thread", "ms", "what it is");
        List<WebElement> rows = trace.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).as("stages").hasSizeGreaterThanOrEqualTo(3);
        List<String> stages = rows.stream().map(r -> r.findElements(By.tagName("td")).get(1).getText()).toList();
        assertThat(stages).contains("action", "write");
        for (WebElement row : rows) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            assertThat(cells).hasSize(5);
            if (!cells.get(1).getText().equals("await")) {
                assertThat(cells.get(2).getText()).as("the thread of stage " + cells.get(1).getText()).isNotBlank();
            }
            assertThat(cells.get(4).getText()).as("what stage " + cells.get(1).getText() + " is").isNotBlank();
        }
        if (!style.equals("value")) {
            assertThat(browser.findElements(By.cssSelector("tr.nothread"))).as("the await row of a style that gives its thread back")
                    .isNotEmpty();
        }
        WebElement steps = browser.findElement(By.xpath("//h2[.=\"What the action's own code recorded\"]/following::table[1]"));
        assertThat(steps.findElements(By.cssSelector("tbody tr"))).as("the action's steps").isNotEmpty();
        screenshot(testName + "-" + style);
    }

    // ---------------------------------------------------------------------------------------------

    /** Opens /report, fills its form and submits it: the browser lands on the report's own page. */
    private static void startReportFromTheForm(int sections, int sectionMillis) {
        chromium.open(front + "/report");
        fill(By.name("sections"), Integer.toString(sections));
        fill(By.name("sectionMillis"), Integer.toString(sectionMillis));
        browser.findElement(By.xpath("//button[.='Start a report']")).click();
        chromium.waitUpTo(Duration.ofSeconds(5), "the report's page").until(d -> d.getCurrentUrl().contains("/report?id="));
        assertThat(browser.findElement(By.id("op")).getDomAttribute("data-id")).isNotBlank();
    }

    private static void fill(By field, String value) {
        WebElement input = browser.findElement(field);
        input.clear();
        input.sendKeys(value);
    }

    /**
     * What a report's page shows: its status, the bar's value (what the script last set, or what
     * the server rendered) and the percentage beside it.
     */
    record Shown(String status, int percent, String percentText) {
    }

    /** The report's page as shown now; null while there is none (the page reloads itself at the end). */
    private static Shown shown(WebDriver d) {
        try {
            Object state = ((JavascriptExecutor) d).executeScript("""
                    const status = document.getElementById('status'), bar = document.getElementById('bar'),
                          pct = document.getElementById('pct');
                    return status && bar && pct ? [status.textContent, String(bar.value), pct.textContent] : null;""");
            if (!(state instanceof List<?> l)) {
                return null;
            }
            return new Shown((String) l.get(0), (int) Double.parseDouble((String) l.get(1)), (String) l.get(2));
        } catch (WebDriverException e) {
            return null; // the document went away under the script: the page is reloading
        }
    }

    /** Waits until the report's page shows what {@code condition} accepts; returns that. */
    private static Shown until(Duration timeout, String what, Predicate<Shown> condition) {
        return chromium.waitUpTo(timeout, what).until(d -> {
            Shown r = shown(d);
            return r != null && condition.test(r) ? r : null;
        });
    }

    private static boolean between(int value, int min, int max) {
        return value >= min && value <= max;
    }

    /** The legend's label of a chart's series ({@code 0} is the time axis). */
    private static String legendLabel(String chart, int series) {
        return legendCell(chart, series, ".u-label").getDomProperty("textContent"); // the text, not as styled
    }

    /** The legend's value of a chart's series: the latest sample's while the pointer is elsewhere. */
    private static String legendValue(String chart, int series) {
        return legendCell(chart, series, ".u-value").getText();
    }

    private static WebElement legendCell(String chart, int series, String cell) {
        List<WebElement> rows = browser.findElements(By.cssSelector("#" + chart + " .u-legend .u-series"));
        if (rows.size() <= series) {
            throw new NoSuchElementException("#" + chart + " has " + rows.size() + " series in its legend");
        }
        return rows.get(series).findElement(By.cssSelector(cell));
    }

    /** Pixels of a chart's canvas within a small distance of one colour: the line of a series drawn in it. */
    private static long paintedPixels(String chart, int rgb) {
        Object n = js("""
                const c = document.querySelector('#' + arguments[0] + ' .uplot canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                  if (d[i + 3] > 200 && Math.abs(d[i] - arguments[1]) < 40 && Math.abs(d[i + 1] - arguments[2]) < 40
                      && Math.abs(d[i + 2] - arguments[3]) < 40) n++;
                }
                return n;""", chart, rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff);
        return ((Number) n).longValue();
    }

    private static Object js(String script, Object... args) {
        return browser.executeScript(script, args);
    }

    /** A number as the dashboard writes it ("1,234.5"); NaN for "–". */
    private static double number(String text) {
        String t = text.replace(",", "").strip();
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Waits until the footer's live backend counters (live.js, every 2 s) show more cancelled calls than {@code before}. */
    private static void waitForFooterCancelledAbove(long before) {
        Pattern cancelled = Pattern.compile("(\\d+) cancelled");
        chromium.waitUpTo(Duration.ofSeconds(6), "the footer to show more than " + before + " cancelled backend calls")
                .until(d -> {
                    Matcher m = cancelled.matcher(d.findElement(By.id("backend-stats")).getText());
                    return m.find() && Long.parseLong(m.group(1)) > before;
                });
    }

    /** The backend's own count of cancelled calls, over HTTP. */
    private static long backendCancelled() throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(front + "/stats/backend")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(res.body()).path("cancelled").asLong();
    }

    private static Path screenshot(String name) {
        return chromium.screenshot(name);
    }
}
