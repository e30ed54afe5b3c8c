package io.switchboard.mirror.kafka;

import io.switchboard.kafka.TopicScan;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;

/** Writes company configs and tombstones, waiting for each to be acknowledged by all in-sync replicas. */
public final class CompanyConfigPublisher implements AutoCloseable {

  private final KafkaClients clients;
  private final KafkaProducer<String, CompanyConfig> producer;

  public CompanyConfigPublisher(KafkaClients clients) {
    this.clients = clients;
    this.producer = clients.producer(Topics.COMPANY_CONFIG, "config-mirror");
  }

  /** Publishes the config, or a tombstone when config is null, and returns once Kafka has it. */
  public void publish(String companyId, CompanyConfig config) {
    try {
      producer.send(new ProducerRecord<>(Topics.COMPANY_CONFIG.name(), companyId, config)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not acknowledge the config of company " + companyId + ": "
          + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while publishing company " + companyId, e);
    }
  }

  /** Ids of every company the topic currently holds a config for (tombstoned ones excluded). */
  public Set<String> publishedCompanyIds() {
    Map<String, Boolean> present = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clients.consumerProperties(null, "config-mirror-keys"),
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      TopicScan.readToEnd(consumer, List.of(Topics.COMPANY_CONFIG.name()),
          r -> present.put(r.key(), r.value() != null));
    }
    Set<String> ids = new HashSet<>();
    present.forEach((id, live) -> {
      if (live && id != null) {
        ids.add(id);
      }
    });
    return ids;
  }

  @Override
  public void close() {
    producer.close();
  }
}
