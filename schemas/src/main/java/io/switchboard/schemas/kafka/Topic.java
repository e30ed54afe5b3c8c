package io.switchboard.schemas.kafka;

import io.switchboard.schemas.registry.AvroSerde;
import io.switchboard.schemas.registry.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A Kafka topic with its key type, value type and creation policy. Values are Avro in Confluent
 * wire format; the value serde needs a registry client, so it is made per process by
 * {@link #valueSerde(SchemaRegistry)} rather than held in a static constant.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Class<V> valueType, TopicPolicy policy) {

  /** Subject of the value schema under the topic-name strategy. */
  public String valueSubject() {
    return name + "-value";
  }

  @SuppressWarnings("unchecked")
  public Serde<V> valueSerde(SchemaRegistry registry) {
    if (valueType == byte[].class) {
      return (Serde<V>) Serdes.ByteArray();
    }
    if (!SpecificRecord.class.isAssignableFrom(valueType)) {
      throw new IllegalStateException("Topic " + name + " has a value type that is neither Avro nor bytes");
    }
    return (Serde<V>) AvroSerde.forTopic(registry, valueSubject(), (Class<? extends SpecificRecord>) valueType);
  }
}
