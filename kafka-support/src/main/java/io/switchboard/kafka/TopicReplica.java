package io.switchboard.kafka;

import io.micrometer.core.instrument.Timer;
import io.switchboard.schemas.kafka.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

/**
 * A read-only, in-memory copy of a compacted topic, kept by reading every partition from the
 * beginning and following it, in a spring-kafka listener container without a consumer group.
 * {@link #start(Duration)} returns once the copy has caught up with the end offsets seen at start,
 * so a process never serves with a partial view. A record that does not decode is logged with its
 * position and skipped: it cannot stop the replica. The container retries a failed poll with the
 * same consumer, so it goes on from where it was; if its consumer stops for good the process leaves
 * readiness and reports itself broken ({@link ManagedContainer}).
 */
public final class TopicReplica<V> implements AutoCloseable, ReadinessCheck, ApplicationEventPublisherAware,
    MessageListener<String, byte[]>, ConsumerSeekAware {

  private static final Logger log = LoggerFactory.getLogger(TopicReplica.class);

  private final Topic<String, V> topic;
  private final KafkaClients clients;
  private final Deserializer<V> deserializer;
  private final BiConsumer<String, V> listener;
  private final Map<String, V> values = new ConcurrentHashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  /** Measured once caught up: the initial load's records are old by design. */
  private final Timer propagation;
  private final Map<TopicPartition, Long> endAtStart = new ConcurrentHashMap<>();
  /** Per partition, the position after the last record read. */
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
  private final KafkaMessageListenerContainer<String, byte[]> container;
  private final ManagedContainer managed;
  private volatile long startedAt;

  /** @param listener told of every change (value null for a tombstone), on the replica's thread */
  public TopicReplica(Topic<String, V> topic, KafkaClients clients, BiConsumer<String, V> listener) {
    this.topic = topic;
    this.clients = clients;
    this.deserializer = topic.valueSerde(clients.registry()).deserializer();
    this.listener = listener;
    this.propagation = clients.meters().map(meters -> Timer.builder("switchboard.config.propagation")
        .description("time from a record's write to its arrival in this process's copy of the topic")
        .tag("topic", topic.name())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(meters)).orElse(null);
    this.container = clients.allPartitionsContainer(topic.name(), "replica-" + topic.name(),
        TopicPartitionOffset.SeekPosition.BEGINNING, this);
    // Positions are checked when the container has read nothing for a moment, too: a partition whose
    // last records were compacted away is caught up without a record to say so.
    container.getContainerProperties().setIdleEventInterval(200L);
    this.managed = new ManagedContainer("replica-" + topic.name(), container);
  }

  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher events) {
    managed.setApplicationEventPublisher(events);
  }

  public TopicReplica<V> start(Duration catchUpTimeout) {
    startedAt = System.nanoTime();
    managed.start();
    try {
      if (!caughtUp.await(catchUpTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("Replica of " + topic.name() + " did not catch up within " + catchUpTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while loading " + topic.name(), e);
    }
    return this;
  }

  public V get(String key) {
    return values.get(key);
  }

  public Map<String, V> snapshot() {
    return Map.copyOf(values);
  }

  /** The end of each partition when the copy started: the copy is complete once it has read that far. */
  @Override
  public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    if (endAtStart.isEmpty()) {
      try (var metadata = new KafkaConsumer<>(clients.consumerProperties(null, "replica-" + topic.name() + "-ends"),
          new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        // Assigned first: a read_committed consumer warns about every partition it is asked of otherwise.
        metadata.assign(assignments.keySet());
        endAtStart.putAll(metadata.endOffsets(assignments.keySet()));
      }
    }
    checkCaughtUp(assignments);
  }

  @Override
  public void onIdleContainer(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    checkCaughtUp(assignments);
  }

  @Override
  public void onMessage(ConsumerRecord<String, byte[]> record) {
    apply(record);
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    positions.put(partition, record.offset() + 1);
    if (caughtUp.getCount() == 0) {
      if (propagation != null) {
        propagation.record(Math.max(0, System.currentTimeMillis() - record.timestamp()), TimeUnit.MILLISECONDS);
      }
    } else {
      checkCaughtUp(positions);
    }
  }

  private void checkCaughtUp(Map<TopicPartition, Long> current) {
    if (caughtUp.getCount() == 0 || endAtStart.isEmpty()) {
      return;
    }
    positions.putAll(current);
    if (endAtStart.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
      log.info("Replica of {} loaded {} keys in {} ms", topic.name(), values.size(),
          Duration.ofNanos(System.nanoTime() - startedAt).toMillis());
      caughtUp.countDown();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null) {
      log.warn("Skipping record without key on {}-{}@{}", record.topic(), record.partition(), record.offset());
      return;
    }
    V value;
    try {
      value = deserializer.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      log.error("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      return;
    }
    if (value == null) {
      values.remove(record.key());
    } else {
      values.put(record.key(), value);
    }
    try {
      listener.accept(record.key(), value);
    } catch (RuntimeException e) {
      log.error("Listener failed on {} key {}: {}", record.topic(), record.key(), e.toString());
    }
  }

  @Override
  public String readinessName() {
    return "replica-" + topic.name();
  }

  /** A problem while the copy has not caught up, or while its container is not running. */
  @Override
  public Optional<String> problem() {
    Optional<String> containerProblem = managed.problem();
    if (containerProblem.isPresent()) {
      return containerProblem;
    }
    return caughtUp.getCount() > 0 ? Optional.of("catching up") : Optional.empty();
  }

  @Override
  public void close() {
    managed.stop();
  }
}
