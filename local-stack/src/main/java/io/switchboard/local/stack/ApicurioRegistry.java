package io.switchboard.local.stack;

import io.switchboard.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry from its Maven distribution, as a child process bound to 127.0.0.1, with the
 * global compatibility rule set to BACKWARD. Switchboard talks to it only through the Confluent
 * API at {@code /apis/ccompat/v7}, exactly as it would to Confluent Schema Registry or Karapace.
 */
public final class ApicurioRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
  /** System property naming the folder the distribution was unpacked into. */
  public static final String HOME_PROPERTY = "switchboard.apicurio.home";

  private final Path home;
  private final Path logFile;
  private final int port;
  private Process process;

  public ApicurioRegistry(Path home, Path workDir) {
    this.home = home;
    this.logFile = workDir.resolve("apicurio.log");
    this.port = FreePorts.next();
  }

  /** The distribution location from {@value #HOME_PROPERTY}, or the build's default under local-stack/target. */
  public static Path defaultHome() {
    String configured = System.getProperty(HOME_PROPERTY, System.getenv("SWITCHBOARD_APICURIO_HOME"));
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path candidate : List.of(Path.of("local-stack/target/apicurio"), Path.of("../local-stack/target/apicurio"),
        Path.of("target/apicurio"))) {
      if (Files.isDirectory(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException("Apicurio Registry distribution not found: build local-stack first "
        + "(mvn -pl local-stack -am package) or set -D" + HOME_PROPERTY);
  }

  /** Base URL of the Confluent-compatible API. */
  public String url() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  public ApicurioRegistry start(Duration timeout) {
    Path runner = findRunnerJar();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC",
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port,
        "-Dquarkus.management.enabled=false",
        "-Dregistry.rules.global.compatibility=BACKWARD",
        "-jar", runner.toString())
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Apicurio Registry from " + runner, e);
    }
    awaitReady(timeout);
    new SchemaRegistryClient(url()).setCompatibility(null, "BACKWARD");
    log.info("Apicurio Registry (pid {}) serving the Confluent API at {}", process.pid(), url());
    return this;
  }

  private Path findRunnerJar() {
    try (Stream<Path> files = Files.list(home)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("No *-runner.jar in " + home));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Apicurio distribution at " + home, e);
    }
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + "; see " + logFile);
      }
      try {
        HttpResponse<Void> response = http.send(
            HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
      }
      sleep(250);
    }
    close();
    throw new IllegalStateException("Apicurio Registry not ready within " + timeout + "; see " + logFile);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
