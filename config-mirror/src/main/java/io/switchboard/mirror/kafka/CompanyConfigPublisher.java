package io.switchboard.mirror.kafka;

import io.switchboard.schemas.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes company configs and tombstones, waiting for each to be acknowledged by all in-sync replicas. */
public final class CompanyConfigPublisher implements AutoCloseable {

  private final KafkaProducer<String, CompanyConfig> producer;

  public CompanyConfigPublisher(KafkaClients clients) {
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

  @Override
  public void close() {
    producer.close();
  }
}
