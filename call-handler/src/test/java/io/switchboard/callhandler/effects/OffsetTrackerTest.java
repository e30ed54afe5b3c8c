package io.switchboard.callhandler.effects;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void shouldNotCommitPastARecordStillInProgress() {
    tracker.started(p0, 10);
    tracker.started(p0, 11);
    tracker.started(p0, 12);
    tracker.finished(p0, 12);
    tracker.finished(p0, 11);

    assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(10));
  }

  @Test
  void shouldCommitAfterTheLastRecordWhenAllAreFinished() {
    tracker.started(p0, 10);
    tracker.started(p0, 11);
    tracker.finished(p0, 10);
    tracker.finished(p0, 11);

    assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(12));
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  void shouldForgetARevokedPartition() {
    tracker.started(p0, 10);
    tracker.forget(p0);

    assertThat(tracker.committable()).isEmpty();
  }
}
