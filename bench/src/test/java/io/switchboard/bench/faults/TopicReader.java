package io.switchboard.bench.faults;

import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic as an outside consumer would, up to its end offsets when asked. */
final class TopicReader {

  private TopicReader() {}

  static <V> List<ConsumerRecord<String, V>> readAll(KafkaClients clients, Topic<String, V> topic) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = clients.consumer(topic, null, "fault-reader")) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic.name() + " to its end within 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** The latest value per key. */
  static <V> Map<String, V> table(KafkaClients clients, Topic<String, V> topic) {
    Map<String, V> table = new LinkedHashMap<>();
    for (ConsumerRecord<String, V> record : readAll(clients, topic)) {
      if (record.value() == null) {
        table.remove(record.key());
      } else {
        table.put(record.key(), record.value());
      }
    }
    return table;
  }
}
