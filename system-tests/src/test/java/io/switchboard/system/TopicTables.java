package io.switchboard.system;

import io.switchboard.kafka.TopicScan;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;

/** Reads a topic from the beginning, as a table (latest value per key) or as the list of its records. */
final class TopicTables {

  private TopicTables() {}

  /**
   * Every record currently on the topic, in order per partition. A record whose value does not
   * decode is left out: tests that check dead-lettering put such records on shared topics.
   */
  static <V> List<ConsumerRecord<String, V>> readAll(KafkaClients clients, Topic<String, V> topic) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    var values = topic.valueSerde(clients.registry()).deserializer();
    try (KafkaConsumer<String, byte[]> consumer = clients.consumer(null, "test-reader",
        org.apache.kafka.common.serialization.Serdes.String().deserializer(),
        org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer())) {
      TopicScan.readToEnd(consumer, List.of(topic.name()), r -> {
        V value;
        try {
          value = values.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
          return;
        }
        records.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
            r.serializedKeySize(), r.serializedValueSize(), r.key(), value, r.headers(), r.leaderEpoch()));
      });
    }
    return records;
  }

  /** The latest value of every key (null for a tombstone). */
  static <V> Map<String, V> table(KafkaClients clients, Topic<String, V> topic) {
    Map<String, V> table = new HashMap<>();
    readAll(clients, topic).forEach(r -> table.put(r.key(), r.value()));
    return table;
  }

  /** Re-reads the table until it satisfies the condition and returns it; fails at the timeout. */
  static <V> Map<String, V> awaitTable(KafkaClients clients, Topic<String, V> topic,
      Predicate<Map<String, V>> condition, Duration timeout) {
    return Awaitility.await("table of " + topic.name()).atMost(timeout).pollInterval(Duration.ofMillis(50))
        .until(() -> table(clients, topic), condition::test);
  }
}
