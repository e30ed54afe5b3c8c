package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium driven through its chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}), for the console's tests: screenshots, accessibility scans with axe-core
 * from its WebJar, and every response body the browser received, read through the DevTools protocol.
 * Without a browser the tests are skipped, except under {@code CI=true}, where they fail.
 */
final class Browser implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AXE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
  /** Where the screenshots shown in the README go. */
  static final Path SCREENSHOTS = Path.of("..", "docs", "console");

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final List<String> responseBodies = new ArrayList<>();

  private Browser(ChromeDriver driver, ChromeDriverService service) {
    this.driver = driver;
    this.service = service;
  }

  static Browser start() {
    File chromium = firstExisting(System.getenv("CHROME_BIN"), "/usr/bin/chromium", "/usr/bin/chromium-browser");
    File chromedriver = firstExisting(System.getenv("CHROMEDRIVER"), "/usr/bin/chromedriver");
    if (chromium == null || chromedriver == null) {
      String missing = "no Chromium or chromedriver (apt-get install chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(missing);
      }
      Assumptions.abort(missing);
    }
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(chromium)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
            "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    return new Browser(driver, service);
  }

  private static File firstExisting(String... paths) {
    for (String path : paths) {
      if (path != null && new File(path).canExecute()) {
        return new File(path);
      }
    }
    return null;
  }

  void open(String url) {
    driver.get(url);
  }

  /** Saves what the page looks like now as {@code docs/console/<name>.png}. */
  void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** The serious and critical accessibility violations axe-core finds on the page, as readable lines. */
  List<String> accessibilityProblems() throws IOException {
    try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(AXE)) {
      assertThat(in).as("axe-core from its WebJar").isNotNull();
      driver.executeScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Object result = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)))"
        + ".catch(e => done('error: ' + e));");
    String violations = String.valueOf(result);
    assertThat(violations).doesNotStartWith("error:");
    List<String> problems = new ArrayList<>();
    for (JsonNode violation : JSON.readTree(violations)) {
      String impact = violation.path("impact").asText();
      if (impact.equals("serious") || impact.equals("critical")) {
        List<String> targets = new ArrayList<>();
        violation.path("nodes").forEach(node -> targets.add(node.path("target").toString()));
        problems.add(impact + " " + violation.path("id").asText() + ": " + violation.path("help").asText() + " at "
            + targets);
      }
    }
    return problems;
  }

  /**
   * Every response body the browser has received since the last call (documents, fragments htmx
   * fetched, scripts, styles), read through the DevTools protocol from the performance log.
   */
  List<String> newResponseBodies() throws IOException {
    List<String> bodies = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = JSON.readTree(entry.getMessage()).path("message");
      if (!message.path("method").asText().equals("Network.loadingFinished")) {
        continue;
      }
      String requestId = message.path("params").path("requestId").asText();
      try {
        Map<String, Object> body = driver.executeCdpCommand("Network.getResponseBody", Map.of("requestId", requestId));
        bodies.add(String.valueOf(body.get("body")));
      } catch (RuntimeException e) {
        // A body the browser no longer holds (a redirect, a page since left): nothing to read.
      }
    }
    responseBodies.addAll(bodies);
    return bodies;
  }

  /** Every response body read so far. */
  List<String> allResponseBodies() {
    return List.copyOf(responseBodies);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
