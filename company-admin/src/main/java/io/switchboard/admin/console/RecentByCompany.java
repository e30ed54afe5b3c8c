package io.switchboard.admin.console;

import io.switchboard.kafka.KafkaClients;
import io.switchboard.kafka.ManagedContainer;
import io.switchboard.schemas.kafka.Topic;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The most recent records of a topic per company, for the console (calls and SMS from
 * {@code calls.events}, alerts from {@code tenants.health-alerts}): read from {@code lookBack} ago
 * and followed. Bounded: {@code perCompany} records for each of the {@code companies} most recently
 * active companies.
 */
public final class RecentByCompany<V> implements MessageListener<String, byte[]>, ConsumerSeekAware {

  private static final Logger log = LoggerFactory.getLogger(RecentByCompany.class);

  private final Deserializer<V> values;
  private final Function<V, String> companyOf;
  private final int perCompany;
  private final Map<String, Deque<V>> recent;
  private final ManagedContainer container;
  private final Duration lookBack;

  public RecentByCompany(KafkaClients clients, Topic<String, V> topic, Function<V, String> companyOf, int perCompany,
      int companies, Duration lookBack) {
    this.values = topic.valueSerde(clients.registry()).deserializer();
    this.companyOf = companyOf;
    this.perCompany = perCompany;
    this.lookBack = lookBack;
    this.recent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<V>> eldest) {
        return size() > companies;
      }
    });
    KafkaMessageListenerContainer<String, byte[]> kafka = clients.allPartitionsContainer(topic.name(),
        "console-" + topic.name(), TopicPartitionOffset.SeekPosition.END, this);
    this.container = new ManagedContainer("recent-" + topic.name(), kafka);
  }

  /** Starts from {@code lookBack} ago rather than the end. */
  @Override
  public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    callback.seekToTimestamp(assignments.keySet(), System.currentTimeMillis() - lookBack.toMillis());
  }

  @Override
  public void onMessage(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    V value;
    try {
      value = values.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      log.warn("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      return;
    }
    String company = companyOf.apply(value);
    if (company == null) {
      return;
    }
    synchronized (recent) {
      Deque<V> entries = recent.computeIfAbsent(company, id -> new ArrayDeque<>());
      entries.addFirst(value);
      while (entries.size() > perCompany) {
        entries.removeLast();
      }
    }
  }

  /** The company's records, newest first. */
  public List<V> of(String companyId) {
    synchronized (recent) {
      Deque<V> entries = recent.get(companyId);
      return entries == null ? List.of() : new ArrayList<>(entries);
    }
  }

  /** Its listener container, to run with the process (lifecycle, readiness). */
  public ManagedContainer container() {
    return container;
  }
}
