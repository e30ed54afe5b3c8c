package io.switchboard.local.stack;

import java.util.Map;

/** Where clients reach a local Kafka (one broker or a cluster), and how. */
public interface KafkaEndpoint extends AutoCloseable {

  String bootstrapServers();

  /** What a client needs besides the bootstrap servers: nothing, or its SASL settings. */
  Map<String, String> clientProperties();
}
