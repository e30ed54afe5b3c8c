package io.switchboard.bench.faults;

import io.switchboard.local.stack.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Switchboard process run from the production jar ({@code dist/target/switchboard.jar}) as a JVM
 * of its own, so that a test can kill it as a crash would (SIGKILL: no shutdown hook, no commit).
 */
final class HandlerProcess implements AutoCloseable {

  static final Path JAR = Path.of("..", "dist", "target", "switchboard.jar");

  private final String name;
  private final List<String> settings;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private Process process;
  private int port;

  /** @param log where its output goes */
  HandlerProcess(String name, List<String> settings, Path log) {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build the dist module first");
    }
    this.name = name;
    this.settings = settings;
    this.log = log;
    try {
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void start() {
    port = FreePorts.next();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), name, "--server.port=" + port));
    command.addAll(settings);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name, e);
    }
  }

  /** True once the process answers its readiness probe with 200. */
  boolean ready() {
    if (process == null || !process.isAlive()) {
      if (process != null) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      return false;
    }
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Kills the process as a crash would: SIGKILL. */
  void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
