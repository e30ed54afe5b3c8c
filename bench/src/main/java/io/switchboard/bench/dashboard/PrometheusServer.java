package io.switchboard.bench.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.local.stack.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on 127.0.0.1 and a free port,
 * scraping the given processes every two seconds, with its query API; stopped by {@link #close()}.
 */
final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  PrometheusServer(Path binary, Path workDir, Collection<String> targets) throws IOException {
    int port = FreePorts.next();
    Files.createDirectories(workDir);
    Path config = workDir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 2s
        scrape_configs:
          - job_name: switchboard
            metrics_path: /actuator/prometheus
            static_configs:
              - targets: [%s]
        """.formatted(targets.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "))));
    this.url = "http://127.0.0.1:" + port;
    this.process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + workDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn").redirectErrorStream(true).redirectOutput(workDir.resolve("prometheus.log").toFile())
        .start();
  }

  /** Waits until the server answers and has scraped every target at least once. */
  void awaitTargetsUp(int targets, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode result = query("/api/v1/query?query=" + encode("sum(up)")).path("data").path("result");
        if (result.size() == 1 && result.get(0).path("value").get(1).asDouble() >= targets) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // Not up yet.
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Prometheus did not scrape " + targets + " targets within " + timeout);
  }

  /** The answer of {@code /api/v1/query_range} for one expression. */
  JsonNode range(String expression, Instant start, Instant end, Duration step) throws IOException {
    return query("/api/v1/query_range?query=" + encode(expression) + "&start=" + start.getEpochSecond()
        + "&end=" + end.getEpochSecond() + "&step=" + step.toSeconds() + "s");
  }

  private JsonNode query(String pathAndQuery) throws IOException {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("Prometheus answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
