package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.OpenLoopLoad.Result;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OpenLoopLoadTest {

  @Test
  void shouldStartRateTimesDurationOperationsAndCountEachOutcome() {
    Result result = OpenLoopLoad.run(1_000, Duration.ofMillis(100), Duration.ofSeconds(5), (i, t) ->
        CompletableFuture.completedFuture(i % 10 == 0 ? Outcome.DEFERRED : i % 25 == 1 ? Outcome.HTTP_ERROR : Outcome.OK));

    assertThat(result.sent()).isEqualTo(100);
    assertThat(result.count(Outcome.DEFERRED)).isEqualTo(10);
    assertThat(result.count(Outcome.HTTP_ERROR)).isEqualTo(4);
    assertThat(result.count(Outcome.OK)).isEqualTo(86);
    assertThat(result.latencyMicros().getTotalCount()).isEqualTo(100);
    assertThat(result.clean()).isFalse();
  }

  @Test
  void shouldCountOperationsNeverAnsweredOrFailingToStartAsMissing() {
    Result result = OpenLoopLoad.run(1_000, Duration.ofMillis(20), Duration.ofMillis(50), (i, t) -> {
      if (i == 3) {
        throw new IllegalStateException("could not send");
      }
      return i % 2 == 0 ? new CompletableFuture<>() : CompletableFuture.completedFuture(Outcome.OK);
    });

    assertThat(result.sent()).isEqualTo(20);
    assertThat(result.count(Outcome.OK)).isEqualTo(9);
    assertThat(result.count(Outcome.NO_ANSWER)).isEqualTo(11);
    assertThat(result.latencyMicros().getTotalCount()).isEqualTo(20);
  }

  @Test
  void shouldHoldTheNextOperationWhileTheMostAllowedAreInFlight() {
    java.util.List<CompletableFuture<Outcome>> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    // Each operation is answered by a helper thread shortly after it starts.
    java.util.concurrent.ScheduledExecutorService answers = java.util.concurrent.Executors.newScheduledThreadPool(2);
    try {
      Result result = OpenLoopLoad.run(2_000, Duration.ofMillis(50), Duration.ofSeconds(5), 3, (i, t) -> {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        started.add(answer);
        answers.schedule(() -> {
          inFlight.decrementAndGet();
          answer.complete(Outcome.OK);
        }, 2, java.util.concurrent.TimeUnit.MILLISECONDS);
        return answer;
      });
      assertThat(result.count(Outcome.OK)).isEqualTo(100);
      assertThat(mostInFlight.get()).isLessThanOrEqualTo(3);
    } finally {
      answers.shutdownNow();
    }
  }

  @Test
  void shouldMeasureFromTheIntendedSendTimeSoAStalledOperationDelaysTheOnesQueuedBehindIt() {
    // The first operation blocks the sender for 50 ms: the next ones, due every millisecond, are late
    // by up to that much, and their latency must say so rather than start when they were sent.
    Result result = OpenLoopLoad.run(1_000, Duration.ofMillis(20), Duration.ofSeconds(5), (i, t) -> {
      if (i == 0) {
        // The stall is the input: the sender is held until 50 ms have passed on its own clock.
        long stalledAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
            .until(() -> System.nanoTime() - stalledAt >= Duration.ofMillis(50).toNanos());
      }
      return CompletableFuture.completedFuture(Outcome.OK);
    });

    assertThat(result.latencyMicros().getValueAtPercentile(50)).isGreaterThanOrEqualTo(30_000);
    assertThat(result.maxSendLagMicros()).isGreaterThanOrEqualTo(40_000);
  }
}
