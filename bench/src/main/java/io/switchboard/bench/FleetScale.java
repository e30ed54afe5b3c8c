package io.switchboard.bench;

import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.OpenLoopLoad.Result;
import io.switchboard.local.SwitchboardServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The fleet grown from the run's numbers to many more (up to 1,000,000) while everything runs:
 * Switchboard measured at one rate before and after, with its routes in the resolver's stores; how
 * long the growth took to route; the heap and the resolver's state per route; and how long the
 * resolver takes to restore its state from its changelogs after its state directory is wiped.
 */
public final class FleetScale {

  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration WARMUP = Duration.ofSeconds(5);
  private static final Duration DRAIN = Duration.ofSeconds(20);
  static final String RESOLVER = "tenant-resolver-stream";
  /** A million numbers take minutes to route on two shared cores. */
  private static final Duration ROUTING_LIMIT = Duration.ofMinutes(25);

  /**
   * @param small the load with the run's own fleet, {@code large} with the grown one
   * @param routing how long after the MongoDB writes the grown fleet's numbers all routed
   * @param restoreReady from the resolver's start (state wiped) until it was ready again
   * @param restoreAnswering until a webhook to the grown fleet's last number was answered right again
   */
  public record Report(int smallNumbers, int largeNumbers, int rate, Result small, Result large, Duration routing,
      long heapSmall, long heapLarge, long stateBytes, Duration restoreReady, Duration restoreAnswering) {

    public double heapBytesPerAddedNumber() {
      return (double) (heapLarge - heapSmall) / (largeNumbers - smallNumbers);
    }

    public double stateBytesPerNumber() {
      return (double) stateBytes / largeNumbers;
    }
  }

  private FleetScale() {}

  static Report measure(Fleet small, int numbers, long seed, int rate, SwitchboardServices services, Path stateDir,
      String mongoUri, String database, LoadClient http, Consumer<String> progress) throws InterruptedException {
    VoiceWebhooks before = new VoiceWebhooks(small, services.publicBaseUrl() + "/api/twilio/voice", http, seed + 10);
    progress.accept(String.format("Fleet scale: Switchboard at %d/s with %,d numbers", rate, small.numbers()));
    Result smallResult = measureAt(before, rate, 0, progress);
    long heapSmall = heapAfterGc();

    Fleet large = small.grownTo(numbers);
    progress.accept(String.format("Fleet scale: the same %,d companies now with %,d numbers, written to MongoDB",
        large.companies(), large.numbers()));
    long began = System.nanoTime();
    large.replaceIn(mongoUri, database);
    VoiceWebhooks after = new VoiceWebhooks(large, services.publicBaseUrl() + "/api/twilio/voice", http, seed + 11);
    BenchRun.awaitRouting(large, after, progress, ROUTING_LIMIT);
    Duration routing = Duration.ofNanos(System.nanoTime() - began);
    progress.accept(String.format("    routed in %.1f s; Switchboard at %d/s with %,d numbers", routing.toMillis() / 1e3,
        rate, large.numbers()));
    Result largeResult = measureAt(after, rate, 1_000_000_000L, progress);
    long heapLarge = heapAfterGc();
    long stateBytes = size(stateDir);

    progress.accept("Fleet scale: the resolver restarted with its state directory wiped");
    long[] started = new long[1];
    services.restart(RESOLVER, 0, () -> {
      delete(stateDir);
      started[0] = System.nanoTime();
    });
    Duration ready = awaitReady(services.processUrls().get(RESOLVER), started[0]);
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    long attempt = 0;
    while (after.call(large.numbers() - 1, after.callSid(Long.MAX_VALUE / 4 + attempt++)).join() != Outcome.OK) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The resolver did not answer within 10 minutes of its restart");
      }
      Thread.sleep(100);
    }
    Duration answering = Duration.ofNanos(System.nanoTime() - started[0]);
    progress.accept(String.format("    ready after %.1f s, answering after %.1f s", ready.toMillis() / 1e3,
        answering.toMillis() / 1e3));
    return new Report(small.numbers(), large.numbers(), rate, smallResult, largeResult, routing, heapSmall, heapLarge,
        stateBytes, ready, answering);
  }

  private static Result measureAt(VoiceWebhooks webhooks, int rate, long first, Consumer<String> progress) {
    OpenLoopLoad.run(rate, WARMUP, DRAIN, (i, t) -> webhooks.call(first + i));
    long offset = first + rate * WARMUP.toSeconds() + 1;
    Result result = OpenLoopLoad.run(rate, STEP, DRAIN, (i, t) -> webhooks.call(offset + i));
    progress.accept(String.format("    sent %d, right %d; p50 %.1f ms, p99 %.1f ms", result.sent(),
        result.count(Outcome.OK), result.p(50), result.p(99)));
    return result;
  }

  /** Heap in use after a full collection (everything in this JVM: every process, broker, stand-ins). */
  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static Duration awaitReady(String url, long started) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/actuator/health/readiness"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - started);
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("The resolver was not ready within 10 minutes of its restart");
  }

  private static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot measure " + dir, e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }
}
