package io.switchboard.schemas.kafka;

import io.switchboard.schemas.registry.AvroSerde;
import io.switchboard.schemas.registry.SchemaRegistry;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Producers and consumers with Switchboard's settings, typed by a {@link Topic}. Producers are
 * idempotent with acks=all: a record acknowledged to a caller is on every in-sync replica and is
 * written once even when the producer retries.
 */
public final class KafkaClients {

  private final String bootstrapServers;
  private final SchemaRegistry registry;

  public KafkaClients(String bootstrapServers, SchemaRegistry registry) {
    this.bootstrapServers = bootstrapServers;
    this.registry = registry;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public SchemaRegistry registry() {
    return registry;
  }

  public Properties producerProperties(String clientId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Webhook answers wait on this producer: send at once rather than batch for latency's sake.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    return props;
  }

  public Properties consumerProperties(String groupId, String clientId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    return props;
  }

  /**
   * A producer writing to one topic with its key and value serdes. The value schema is registered
   * first: an incompatible schema stops the process here, before it writes anything.
   */
  public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic, String clientId) {
    return new KafkaProducer<>(producerProperties(clientId), topic.keySerde().serializer(), valueSerializer(topic));
  }

  /**
   * The value serializer of a topic, its schema registered first, for a process that writes several
   * topics through one byte-array producer (records produced together then share a request).
   */
  public <V> Serializer<V> valueSerializer(Topic<?, V> topic) {
    Serde<V> values = topic.valueSerde(registry);
    if (values instanceof AvroSerde<?> avro) {
      avro.registerSchema();
    }
    return values.serializer();
  }

  /** A consumer reading one topic with its key and value serdes. */
  public <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic, String groupId, String clientId) {
    return new KafkaConsumer<>(consumerProperties(groupId, clientId),
        topic.keySerde().deserializer(), topic.valueSerde(registry).deserializer());
  }
}
