package io.switchboard.kafka;

import io.micrometer.core.instrument.Timer;
import io.switchboard.schemas.kafka.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

/**
 * A read-only, in-memory copy of a compacted topic, kept by reading every partition from the
 * beginning and following it. {@link #start(Duration)} returns once the copy has caught up with
 * the end offsets seen at start, so a process never serves with a partial view. A record that does
 * not decode is logged with its position and skipped: it cannot stop the replica. A loop that fails
 * (the cluster unreachable past the client's timeouts, an unexpected error) is restarted by a
 * {@link BackgroundLoop} from where it was, out of readiness meanwhile, and after repeated failures
 * the process reports itself broken.
 */
public final class TopicReplica<V> implements AutoCloseable, ReadinessCheck, ApplicationEventPublisherAware {

  private static final Logger log = LoggerFactory.getLogger(TopicReplica.class);

  private final Topic<String, V> topic;
  private final KafkaClients clients;
  private final BiConsumer<String, V> listener;
  private final Map<String, V> values = new ConcurrentHashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  /** Measured once caught up: the initial load's records are old by design. */
  private final Timer propagation;
  private volatile boolean running = true;
  private final ResumableAssignment assignment = new ResumableAssignment();
  private final BackgroundLoop loop;

  /** @param listener told of every change (value null for a tombstone), on the replica's thread */
  public TopicReplica(Topic<String, V> topic, KafkaClients clients, BiConsumer<String, V> listener) {
    this.topic = topic;
    this.clients = clients;
    this.listener = listener;
    this.propagation = clients.meters().map(meters -> Timer.builder("switchboard.config.propagation")
        .description("time from a record's write to its arrival in this process's copy of the topic")
        .tag("topic", topic.name())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(meters)).orElse(null);
    this.loop = new BackgroundLoop("replica-" + topic.name(), this::run, assignment::wakeup);
  }

  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher events) {
    loop.setApplicationEventPublisher(events);
  }

  public TopicReplica<V> start(Duration catchUpTimeout) {
    loop.start();
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

  private void run() {
    var deserializer = topic.valueSerde(clients.registry()).deserializer();
    try (KafkaConsumer<String, byte[]> c = clients.consumer(null, "replica-" + topic.name(),
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      List<TopicPartition> partitions = assignment.open(c, topic.name(), false);
      Map<TopicPartition, Long> endAtStart = c.endOffsets(partitions);
      Instant started = Instant.now();
      while (running) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(100))) {
          apply(record, deserializer);
          assignment.advance(record);
          if (caughtUp.getCount() == 0 && propagation != null) {
            propagation.record(Math.max(0, System.currentTimeMillis() - record.timestamp()), TimeUnit.MILLISECONDS);
          }
        }
        if (caughtUp.getCount() > 0 && endAtStart.entrySet().stream()
            .allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
          log.info("Replica of {} loaded {} keys in {} ms", topic.name(), values.size(),
              Duration.between(started, Instant.now()).toMillis());
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      assignment.closed();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record,
      org.apache.kafka.common.serialization.Deserializer<V> deserializer) {
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

  /** A problem while the copy has not caught up, or while its loop is not running. */
  @Override
  public Optional<String> problem() {
    Optional<String> loopProblem = loop.problem();
    if (loopProblem.isPresent()) {
      return loopProblem;
    }
    return caughtUp.getCount() > 0 ? Optional.of("catching up") : Optional.empty();
  }

  @Override
  public void close() {
    running = false;
    loop.stop();
  }
}
