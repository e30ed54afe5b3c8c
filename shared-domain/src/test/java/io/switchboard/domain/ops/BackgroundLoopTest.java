package io.switchboard.domain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;

/** A loop that fails is restarted, and one that keeps failing makes its process report itself broken. */
class BackgroundLoopTest {

  @Test
  void shouldRestartALoopThatFailsAndBeReadyOnceItRunsAgain() {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch stopped = new CountDownLatch(1);
    BackgroundLoop loop = new BackgroundLoop("flaky", () -> {
      if (runs.incrementAndGet() <= 2) {
        throw new IllegalStateException("broker went away");
      }
      awaitQuietly(stopped);
    }, stopped::countDown, Duration.ofMillis(200), Duration.ofMillis(400));

    loop.start();
    try {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(loop.problem()).hasValueSatisfying(p -> assertThat(p).contains("restarting after failure")));
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 3 && loop.problem().isEmpty());
    } finally {
      loop.stop();
    }
  }

  @Test
  void shouldGiveUpAfterFiveFailuresInARowAndReportTheProcessBroken() {
    List<Object> events = new CopyOnWriteArrayList<>();
    BackgroundLoop loop = new BackgroundLoop("doomed", () -> {
      throw new IllegalStateException("no way");
    }, () -> { }, Duration.ofMillis(10), Duration.ofMillis(20));
    loop.setApplicationEventPublisher(events::add);

    loop.start();
    try {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(loop.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("given up after 5 failures")));
      assertThat(events).singleElement().satisfies(event ->
          assertThat(((AvailabilityChangeEvent<?>) event).getState()).isEqualTo(LivenessState.BROKEN));
    } finally {
      loop.stop();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
