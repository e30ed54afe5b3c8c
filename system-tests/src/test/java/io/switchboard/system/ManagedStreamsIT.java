package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.kafka.ManagedStreams;
import io.switchboard.local.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Streams app whose thread dies has it replaced, and after repeated failures is shut down and its
 * process reported broken, on a real broker.
 */
class ManagedStreamsIT {

  @Test
  void shouldReplaceADeadStreamThreadAndReportTheProcessBrokenWhenItKeepsDying() throws Exception {
    LocalStack stack = SharedStack.stack();
    String topic = "managed-streams-" + UUID.randomUUID();
    try (Admin admin = Admin.create(stack.kafkaClients().adminProperties("managed-streams-it"))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()))
        .foreach((key, value) -> {
          if (value.equals("poison")) {
            throw new IllegalStateException("a bug met a record it cannot handle");
          }
        });
    Properties config = stack.kafkaClients().streamsProperties("managed-streams-" + UUID.randomUUID());
    config.put(StreamsConfig.STATE_DIR_CONFIG, stack.workDir().resolve("managed-streams").toString());
    // A dead thread's consumer does not leave its group: its replacement waits out the session.
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
    KafkaStreams streams = new KafkaStreams(builder.build(), config);
    ManagedStreams managed = new ManagedStreams("test-streams", streams, Duration.ofSeconds(10));
    List<Object> published = new CopyOnWriteArrayList<>();
    managed.setApplicationEventPublisher(published::add);
    assertThat(managed.problem()).hasValue("Kafka Streams CREATED");

    managed.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> managed.problem().isEmpty());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(stack.kafkaClients().producerProperties("it"),
          Serdes.String().serializer(), Serdes.String().serializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "poison")).get();
      }

      // The poison record kills each replacement thread in turn: replaced four times, then given up.
      await().atMost(Duration.ofSeconds(120)).dontCatchUncaughtExceptions().untilAsserted(() ->
          assertThat(managed.problem()).hasValueSatisfying(problem -> assertThat(problem).contains("ERROR")));
      assertThat(managed.failures()).isEqualTo(5);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published).anySatisfy(event -> assertThat(event).isInstanceOfSatisfying(AvailabilityChangeEvent.class,
          change -> assertThat(change.getState()).isEqualTo(LivenessState.BROKEN))));
    } finally {
      managed.stop();
    }
  }
}
