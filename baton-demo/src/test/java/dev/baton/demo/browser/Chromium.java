package dev.baton.demo.browser;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless Chromium ({@code /usr/bin/chromium}), driven through the system's
 * chromedriver ({@code /usr/bin/chromedriver}) by Selenium, with a fresh profile that is deleted
 * on {@link #close()}.
 *
 * <p>Both paths are given to Selenium explicitly, so Selenium Manager is never consulted and
 * nothing is downloaded: Selenium's {@code DriverFinder} skips Selenium Manager when the driver
 * service names its executable, and the options name the browser's binary. If either is
 * missing, {@link #start()} fails, and says how to install them: a browser test never skips.
 */
final class Chromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** The flags of the browser tests, as the issue lists them; the profile directory comes on top. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync");
    /** Where the screenshots go, for a reviewer to look at. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /**
     * Selenium warns, on each start, that it has no DevTools client for this Chromium's version
     * ("Unable to find CDP implementation matching ..."): none is on the classpath because none is
     * used (the screenshots' CDP commands go through chromedriver), so the warning is silenced.
     * Held here, because java.util.logging keeps its loggers only weakly.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    }

    final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser (a second or two), its window 1280 x 900 CSS pixels. */
    static Chromium start() throws IOException {
        List<String> missing = Stream.of(BROWSER, DRIVER).filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
        if (!missing.isEmpty()) {
            throw new AssertionError("The browser tests need Chromium and its driver, and " + String.join(" and ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " missing. Install them with "
                    + "'sudo apt-get install -y chromium chromium-driver' (Debian; .ci/run does it when they are missing).");
        }
        Path profile = Files.createTempDirectory("baton-chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL); // the pages' console, for consoleErrors()
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()) // so that Selenium Manager is never run
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream()) // chromedriver's own log is noise here
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(1280, 900));
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15)).scriptTimeout(Duration.ofSeconds(10));
            return new Chromium(driver, profile);
        } catch (RuntimeException | Error e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    /** Opens {@code url} and waits until it has loaded (the document's load event). */
    void open(String url) {
        driver.get(url);
    }

    /** A wait on this browser: polled every 50 ms, failing with {@code what} after {@code timeout}. */
    WebDriverWait waitUpTo(Duration timeout, String what) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        wait.withMessage(what);
        return wait;
    }

    /**
     * Writes a PNG of the whole page (beyond the window's height) to
     * {@code target/screenshots/<name>.png}; returns its path.
     */
    @SuppressWarnings("unchecked")
    Path screenshot(String name) {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> content = (Map<String, Object>) metrics.getOrDefault("cssContentSize", metrics.get("contentSize"));
        double width = ((Number) content.get("width")).doubleValue();
        double height = Math.min(((Number) content.get("height")).doubleValue(), 8000);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The console's errors since the last call (uncaught exceptions, failed loads of the page's
     * resources), as text; reading them clears them.
     */
    List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        return errors;
    }

    /** Quits the browser and its driver, and deletes the profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
