package io.switchboard.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Every partition of a topic, read without a consumer group by a loop that may be restarted: each
 * new consumer goes on from where the last one stopped (the next offset of each partition is kept
 * here), not from the start or the end again, so that nothing written while the loop was down is
 * passed over. Also the loop's current consumer, so that another thread can wake it to stop.
 */
public final class ResumableAssignment {

  private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();
  private volatile Consumer<?, ?> consumer;

  /**
   * Assigns every partition of the topic to a new consumer, positioned where the previous one
   * stopped, or at the beginning or the end the first time.
   */
  public List<TopicPartition> open(Consumer<?, ?> c, String topic, boolean fromEnd) {
    consumer = c;
    List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    c.assign(partitions);
    if (fromEnd) {
      c.seekToEnd(partitions);
    } else {
      c.seekToBeginning(partitions);
    }
    next.forEach((partition, offset) -> {
      if (partitions.contains(partition)) {
        c.seek(partition, offset);
      }
    });
    // Fixed now: a restart goes on from here even if nothing is read before it.
    partitions.forEach(partition -> next.put(partition, c.position(partition)));
    return partitions;
  }

  /** A record has been handled: a restarted loop reads from the one after it. */
  public void advance(ConsumerRecord<?, ?> record) {
    next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
  }

  /** The loop's consumer is closed. */
  public void closed() {
    consumer = null;
  }

  /** Wakes the loop's consumer, if it has one, so that its poll returns at once. */
  public void wakeup() {
    Consumer<?, ?> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }
}
