package io.switchboard.callhandler.effects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TenantLanesTest {

  private final List<String> events = new CopyOnWriteArrayList<>();

  @Test
  void shouldRunOneTenantsTasksInOrderAndNeverHoldAnotherTenantBehindThem() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (TenantLanes lanes = new TenantLanes(2, Duration.ofSeconds(5))) {
      lanes.submit("slow", () -> {
        waitFor(release);
        events.add("slow-1");
        return null;
      });
      lanes.submit("slow", () -> {
        events.add("slow-2");
        return null;
      });
      lanes.submit("fast", () -> {
        events.add("fast-1");
        return null;
      });

      await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("fast-1"));
      assertThat(events).containsExactly("fast-1");
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
      assertThat(events).containsExactly("fast-1", "slow-1", "slow-2");
      await().atMost(Duration.ofSeconds(5)).until(() -> lanes.size() == 0);
    }
  }

  @Test
  void shouldLetARunningStepFinishOnCloseAndDropWhatIsQueued() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TenantLanes lanes = new TenantLanes(1, Duration.ofSeconds(5));
    lanes.submit("acme", () -> {
      running.countDown();
      waitFor(release);
      events.add(Thread.currentThread().isInterrupted() ? "interrupted" : "finished");
      return null;
    });
    lanes.submit("acme", () -> {
      events.add("queued ran");
      return null;
    });
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

    Thread closer = new Thread(lanes::close);
    closer.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    release.countDown();
    closer.join(5_000);

    assertThat(closer.isAlive()).isFalse();
    assertThat(events).containsExactly("finished");
  }

  @Test
  void shouldDropARetryThatIsDueAfterClose() {
    TenantLanes lanes = new TenantLanes(1, Duration.ofSeconds(5));
    lanes.submit("acme", () -> {
      events.add("attempt");
      return 60_000L;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);

    lanes.close();
    lanes.submit("acme", () -> {
      events.add("after close");
      return null;
    });

    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> events.size() == 1);
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
