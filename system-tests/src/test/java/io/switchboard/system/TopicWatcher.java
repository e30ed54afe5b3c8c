package io.switchboard.system;

import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.awaitility.Awaitility;

/** Follows a topic from its current end and keeps every record with the moment it was read. */
final class TopicWatcher<V> implements AutoCloseable {

  record Seen<V>(String key, V value, Instant at) {}

  private final List<Seen<V>> seen = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, V> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  TopicWatcher(KafkaClients clients, Topic<String, V> topic) {
    consumer = clients.consumer(topic, null, "test-watcher");
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
        .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    thread = new Thread(() -> {
      try {
        while (running) {
          consumer.poll(Duration.ofMillis(50)).forEach(r -> seen.add(new Seen<>(r.key(), r.value(), Instant.now())));
        }
      } catch (WakeupException e) {
        // closing
      } finally {
        consumer.close();
      }
    }, "watch-" + topic.name());
    thread.start();
  }

  /** The first record for the key, read after {@code since}, whose value matches; fails at the timeout. */
  Optional<Seen<V>> await(String key, Predicate<V> match, Instant since, Duration timeout) {
    return Awaitility.await("a record for " + key).atMost(timeout).pollInterval(Duration.ofMillis(5))
        .until(() -> new ArrayList<>(seen).stream()
            .filter(record -> key.equals(record.key()) && !record.at().isBefore(since) && match.test(record.value()))
            .findFirst(), Optional::isPresent);
  }

  /** Every record read so far. */
  List<Seen<V>> all() {
    return new ArrayList<>(seen);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
  }
}
