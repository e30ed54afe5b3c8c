package io.switchboard.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.mock.MockConsumerFactory;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.backoff.FixedBackOff;

/** A listener container's consumer that stops for good takes its process out of readiness and liveness. */
class ManagedContainerTest {

  private static final TopicPartition P0 = new TopicPartition("t", 0);

  private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
  private final List<Object> published = new CopyOnWriteArrayList<>();
  private ManagedContainer managed;

  private void start(MessageListener<String, String> listener) {
    ContainerProperties properties = new ContainerProperties(new TopicPartitionOffset(P0.topic(), 0,
        TopicPartitionOffset.SeekPosition.BEGINNING));
    properties.setMessageListener(listener);
    properties.setPollTimeout(50);
    KafkaMessageListenerContainer<String, String> container =
        new KafkaMessageListenerContainer<>(new MockConsumerFactory<>(() -> consumer), properties);
    container.setCommonErrorHandler(new ContainerErrors(null, new FixedBackOff(0, 0)));
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    managed = new ManagedContainer("test-container", container);
    managed.setApplicationEventPublisher(published::add);
    managed.start();
  }

  @AfterEach
  void stop() {
    if (managed != null) {
      managed.stop();
    }
  }

  @Test
  void shouldReportBrokenWhenItsConsumerStopsOnAnError() {
    start(record -> {
      throw new AssertionError("the listener cannot go on");
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> managed.problem().isEmpty());

    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(P0.topic(), 0, 0, "k", "v")));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(managed.problem()).hasValueSatisfying(problem -> assertThat(problem).contains("ERROR"));
      assertThat(published).anySatisfy(event -> assertThat(event).isInstanceOfSatisfying(AvailabilityChangeEvent.class,
          change -> assertThat(change.getState()).isEqualTo(LivenessState.BROKEN)));
    });
  }

  @Test
  void shouldStayReadyThroughAListenerExceptionAndStopQuietlyWhenAsked() {
    List<String> seen = new CopyOnWriteArrayList<>();
    start(record -> {
      seen.add(record.value());
      if (record.value().equals("bad")) {
        throw new IllegalStateException("one bad record");
      }
    });
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(P0.topic(), 0, 0, "k", "bad")));
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(P0.topic(), 0, 1, "k", "good")));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("good"));
    assertThat(managed.problem()).isEmpty();

    managed.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !managed.isRunning());
    assertThat(published).noneSatisfy(event -> assertThat(event).isInstanceOf(AvailabilityChangeEvent.class));
  }
}
