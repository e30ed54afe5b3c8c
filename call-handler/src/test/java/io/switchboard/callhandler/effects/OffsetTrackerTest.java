package io.switchboard.callhandler.effects;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.Acknowledgment;

class OffsetTrackerTest {

  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final OffsetTracker tracker = new OffsetTracker();
  /** The offsets acknowledged to the container, in order. */
  private final List<Long> acknowledged = new CopyOnWriteArrayList<>();

  private void start(long offset) {
    tracker.started(p0, offset, () -> acknowledged.add(offset));
  }

  @Test
  void shouldNotAcknowledgePastARecordStillInProgress() {
    start(10);
    start(11);
    start(12);
    tracker.finished(p0, 12);
    tracker.finished(p0, 11);

    assertThat(acknowledged).isEmpty();
    assertThat(tracker.committablePosition(p0)).isEqualTo(10);
  }

  @Test
  void shouldAcknowledgeOnlyTheLastRecordOfARunThatFinished() {
    start(10);
    start(11);
    start(12);
    start(13);
    tracker.finished(p0, 12);
    tracker.finished(p0, 11);
    tracker.finished(p0, 10);

    // 12 covers 10 and 11: the container commits 13, where 13 is still in progress.
    assertThat(acknowledged).containsExactly(12L);
    tracker.finished(p0, 13);
    assertThat(acknowledged).containsExactly(12L, 13L);
    assertThat(tracker.committablePosition(p0)).isEqualTo(14);
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  void shouldAcknowledgeNothingOfAForgottenPartition() {
    start(10);
    tracker.forget(p0);
    tracker.finished(p0, 10);

    assertThat(acknowledged).isEmpty();
    assertThat(tracker.inFlight()).isZero();
  }
}
