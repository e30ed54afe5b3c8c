package io.switchboard.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of some topics, without a consumer group, up to the end offsets they had
 * when the scan began: for commands and checks that need a topic's current content, once.
 */
public final class TopicScan {

  private TopicScan() {}

  /** Reads the topics from the beginning to their current end. */
  public static <K, V> void readToEnd(KafkaConsumer<K, V> consumer, Collection<String> topics,
      Consumer<ConsumerRecord<K, V>> each) {
    readToEnd(consumer, topics, consumer::seekToBeginning, each);
  }

  /** Reads the topics from where {@code seek} places the consumer to their current end. */
  public static <K, V> void readToEnd(KafkaConsumer<K, V> consumer, Collection<String> topics,
      Consumer<List<TopicPartition>> seek, Consumer<ConsumerRecord<K, V>> each) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    seek.accept(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      consumer.poll(Duration.ofMillis(200)).forEach(each);
    }
  }
}
