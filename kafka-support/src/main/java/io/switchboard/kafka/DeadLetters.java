package io.switchboard.kafka;

import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Dead-lettered records for operators, whichever tool they use (the {@code dlt} commands, the
 * console): reading them with their reasons, describing their value, and sending one back to the
 * topic it came from. A side effect sent back is performed only under the worker's rules: never if
 * it was applied; with {@code force}, one that FAILED, or that is UNKNOWN once Twilio shows it did
 * not happen.
 */
public final class DeadLetters {

  public static final List<Topic<String, byte[]>> TOPICS = List.of(Topics.WEBHOOKS_DLT,
      Topics.WEBHOOKS_RESOLVED_DLT, Topics.WEBHOOKS_UNROUTABLE_DLT, Topics.COMPANY_CONFIG_DLT, Topics.SIDE_EFFECTS_DLT);

  private final KafkaClients clients;
  private final String clientId;

  public DeadLetters(KafkaClients clients, String clientId) {
    this.clients = clients;
    this.clientId = clientId;
  }

  /** Every record now on the given dead-letter topics, in topic, partition and offset order. */
  public List<ConsumerRecord<String, byte[]>> read(List<String> topics) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clients.consumerProperties(null, clientId),
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      TopicScan.readToEnd(consumer, topics, records::add);
    }
    return records;
  }

  public ConsumerRecord<String, byte[]> find(String topic, int partition, long offset) {
    if (TOPICS.stream().noneMatch(t -> t.name().equals(topic))) {
      throw new IllegalArgumentException(topic + " is not a dead-letter topic");
    }
    return read(List.of(topic)).stream()
        .filter(r -> r.partition() == partition && r.offset() == offset).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no record at " + topic + "-" + partition + "@" + offset));
  }

  /** A header's value, or "-". */
  public static String header(ConsumerRecord<String, byte[]> record, String name) {
    String value = DeadLetterHeaders.get(record.headers(), name);
    return value == null ? "-" : value;
  }

  /** The record's value decoded as its source topic's type, or its size when it does not decode. */
  public String describe(ConsumerRecord<String, byte[]> record) {
    String sourceTopic = header(record, DeadLetterHeaders.SOURCE_TOPIC);
    byte[] value = record.value();
    if (value == null) {
      return "(none)";
    }
    for (Topic<?, ?> topic : Topics.ALL) {
      if (topic.name().equals(sourceTopic) && topic.valueType() != byte[].class) {
        try {
          return String.valueOf(topic.valueSerde(clients.registry()).deserializer().deserialize(sourceTopic, value));
        } catch (RuntimeException e) {
          return "(not a readable " + topic.valueType().getSimpleName() + ": " + e.getMessage() + ") "
              + value.length + " bytes";
        }
      }
    }
    return value.length + " bytes";
  }

  /** The topic a dead-lettered record came from, when it is one of Switchboard's. */
  public static String source(ConsumerRecord<String, byte[]> record) {
    String source = header(record, DeadLetterHeaders.SOURCE_TOPIC);
    if (Topics.ALL.stream().noneMatch(t -> t.name().equals(source))) {
      throw new IllegalArgumentException("record names no known source topic (" + source + ")");
    }
    return source;
  }

  /** Sends the record back to its source topic, saying where it was dead-lettered; waits for Kafka. */
  public RecordMetadata redrive(ConsumerRecord<String, byte[]> record, boolean force) {
    String source = source(record);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(clients.producerProperties(clientId),
        Serdes.String().serializer(), Serdes.ByteArray().serializer())) {
      ProducerRecord<String, byte[]> back = new ProducerRecord<>(source, record.key(), record.value());
      back.headers().add(DeadLetterHeaders.REDRIVEN_FROM, (record.topic() + "-" + record.partition() + "@"
          + record.offset()).getBytes(StandardCharsets.UTF_8));
      if (force) {
        back.headers().add(DeadLetterHeaders.REDRIVE_FORCE, "true".getBytes(StandardCharsets.UTF_8));
      }
      return producer.send(back).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending the record back", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not take the record back: " + e.getMessage(), e);
    }
  }
}
