package io.switchboard.kafka;

import io.switchboard.schemas.kafka.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.switchboard.schemas.registry.AvroSerde;
import io.switchboard.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import java.util.HashMap;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Producers, consumers, admin clients and Streams configurations with Switchboard's settings, typed
 * by a {@link Topic}. Producers are idempotent with acks=all: a record acknowledged to a caller is on
 * every in-sync replica and is written once even when the producer retries.
 *
 * <p>Connection settings of the cluster ({@code switchboard.kafka.properties.*}: SASL, TLS, client
 * rack, timeouts, ...) are passed to every client. The settings Switchboard's guarantees rest on
 * cannot be overridden that way, and saying one stops the process with a message naming it.
 *
 * <p>Given a meter registry, every long-lived client's and Streams app's metrics are bound to it.
 */
public final class KafkaClients implements AutoCloseable {

  /** Settings whose value Switchboard's delivery guarantees depend on. */
  static final Set<String> GUARDED = Set.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
      CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
      StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
      ProducerConfig.TRANSACTIONAL_ID_CONFIG);

  private static final Duration METRICS_REFRESH = Duration.ofSeconds(5);

  private final String bootstrapServers;
  private final SchemaRegistry registry;
  private final Map<String, String> clusterProperties;
  private final MeterRegistry meters;
  /**
   * One thread refreshes every bound client's metrics, often enough that a client's per-partition
   * and per-task metrics appear within seconds of its first assignment.
   */
  private final ScheduledExecutorService metricsRefresh;
  /** This instance's lasting name, or null: when set, Streams apps are static members of their groups. */
  private volatile String instanceId;

  public KafkaClients(String bootstrapServers, SchemaRegistry registry) {
    this(bootstrapServers, registry, Map.of(), null);
  }

  /**
   * @param clusterProperties Kafka client settings given to every client (SASL, TLS, ...)
   * @param meters where client metrics go, or null for none
   */
  public KafkaClients(String bootstrapServers, SchemaRegistry registry, Map<String, String> clusterProperties,
      MeterRegistry meters) {
    List<String> guarded = clusterProperties.keySet().stream().filter(GUARDED::contains).sorted().toList();
    if (!guarded.isEmpty()) {
      throw new IllegalArgumentException("switchboard.kafka.properties cannot set " + guarded
          + ": Switchboard's delivery guarantees depend on its own values");
    }
    this.bootstrapServers = bootstrapServers;
    this.registry = registry;
    this.clusterProperties = Map.copyOf(new TreeMap<>(clusterProperties));
    this.meters = meters;
    this.metricsRefresh = meters == null ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "kafka-metrics-refresh");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Names this instance across restarts (null or blank: not named). Each Streams app then joins its
   * group as a static member ({@code group.instance.id} = application id + instance id) and leaves it
   * when closed, so that its tasks move at once rather than after the session timeout.
   */
  public KafkaClients withInstanceId(String instanceId) {
    this.instanceId = instanceId == null || instanceId.isBlank() ? null : instanceId.strip();
    return this;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public SchemaRegistry registry() {
    return registry;
  }

  /** Where this process's meters go, if anywhere. */
  public Optional<MeterRegistry> meters() {
    return Optional.ofNullable(meters);
  }

  /** The cluster's connection settings, for a client this class does not build. */
  public Map<String, String> clusterProperties() {
    return clusterProperties;
  }

  private Properties base(String clientId) {
    Properties props = new Properties();
    props.putAll(clusterProperties);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (clientId != null) {
      props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    }
    return props;
  }

  public Properties producerProperties(String clientId) {
    Properties props = new Properties();
    // Webhook answers wait on this producer: send at once rather than batch for latency's sake.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    props.putAll(base(clientId));
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return props;
  }

  public Properties consumerProperties(String groupId, String clientId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    props.putAll(base(clientId));
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  public Properties adminProperties(String clientId) {
    Properties props = base(clientId);
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return props;
  }

  /**
   * A Streams app's base settings: the cluster's connection settings (Streams gives them to its
   * own clients), acks=all, and no lingering, since callers wait on every hop.
   */
  public Properties streamsProperties(String applicationId) {
    Properties props = new Properties();
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
    props.putAll(base(null));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    if (instanceId != null) {
      props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
          applicationId + "-" + instanceId);
    }
    return props;
  }

  /**
   * A producer writing to one topic with its key and value serdes. The value schema is registered
   * first: an incompatible schema stops the process here, before it writes anything.
   */
  public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic, String clientId) {
    return producer(clientId, topic.keySerde().serializer(), valueSerializer(topic));
  }

  /** A long-lived producer with Switchboard's settings, its metrics bound. */
  public <K, V> KafkaProducer<K, V> producer(String clientId, Serializer<K> keys, Serializer<V> values) {
    return producer(clientId, keys, values, Map.of());
  }

  /** The same, with some of Switchboard's own defaults changed (never the guarded settings). */
  public <K, V> KafkaProducer<K, V> producer(String clientId, Serializer<K> keys, Serializer<V> values,
      Map<String, Object> overrides) {
    List<String> guarded = overrides.keySet().stream().filter(GUARDED::contains).toList();
    if (!guarded.isEmpty()) {
      throw new IllegalArgumentException("cannot override " + guarded);
    }
    Properties props = producerProperties(clientId);
    props.putAll(overrides);
    KafkaProducer<K, V> producer = new KafkaProducer<>(props, keys, values);
    if (meters != null) {
      new KafkaClientMetrics(producer, List.of(), metricsRefresh, METRICS_REFRESH).bindTo(meters);
    }
    return producer;
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
    return consumer(groupId, clientId, topic.keySerde().deserializer(), topic.valueSerde(registry).deserializer());
  }

  /** A long-lived consumer with Switchboard's settings, its metrics bound. */
  public <K, V> KafkaConsumer<K, V> consumer(String groupId, String clientId, Deserializer<K> keys,
      Deserializer<V> values) {
    KafkaConsumer<K, V> consumer = new KafkaConsumer<>(consumerProperties(groupId, clientId), keys, values);
    if (meters != null) {
      new KafkaClientMetrics(consumer, List.of(), metricsRefresh, METRICS_REFRESH).bindTo(meters);
    }
    return consumer;
  }

  /**
   * Consumers with Switchboard's settings for a spring-kafka listener container, their metrics
   * bound (by spring-kafka's own Micrometer listener).
   *
   * @param groupId the group, or null for a reader that assigns itself partitions and commits nothing
   */
  public DefaultKafkaConsumerFactory<String, byte[]> consumerFactory(String groupId, String clientId) {
    Map<String, Object> settings = new HashMap<>();
    consumerProperties(groupId, clientId).forEach((key, value) -> settings.put((String) key, value));
    DefaultKafkaConsumerFactory<String, byte[]> factory = new DefaultKafkaConsumerFactory<>(settings,
        new StringDeserializer(), new ByteArrayDeserializer());
    if (meters != null) {
      factory.addListener(new MicrometerConsumerListener<>(meters));
    }
    return factory;
  }

  /**
   * A listener container reading every partition of a topic without a consumer group, from its
   * beginning or its end, and committing nothing: for processes that keep a copy of a topic or
   * wait for records on it.
   */
  public KafkaMessageListenerContainer<String, byte[]> allPartitionsContainer(String topic, String clientId,
      TopicPartitionOffset.SeekPosition from, Object listener) {
    List<TopicPartitionOffset> partitions;
    try (Consumer<String, byte[]> metadata = consumerFactory(null, clientId + "-metadata").createConsumer()) {
      partitions = metadata.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartitionOffset(p.topic(), p.partition(), from)).toList();
    }
    ContainerProperties properties = new ContainerProperties(partitions.toArray(TopicPartitionOffset[]::new));
    properties.setMessageListener(listener);
    properties.setAckMode(ContainerProperties.AckMode.MANUAL);
    properties.setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.NEVER);
    properties.setPollTimeout(100);
    KafkaMessageListenerContainer<String, byte[]> container =
        new KafkaMessageListenerContainer<>(consumerFactory(null, clientId), properties);
    container.setBeanName(clientId);
    // The listeners handle their records' failures; a failure outside a record is paused after.
    container.setCommonErrorHandler(new ContainerErrors(null, new FixedBackOff(0, 0)));
    return container;
  }

  /**
   * A listener container in a consumer group on one topic, committing nothing: for instances that
   * share a topic's partitions to divide work (which tenants to check, which replies to read), where
   * the position is chosen on assignment rather than resumed.
   */
  public KafkaMessageListenerContainer<String, byte[]> groupContainer(String topic, String groupId, String clientId,
      Object listener, org.apache.kafka.clients.consumer.ConsumerRebalanceListener rebalanceListener) {
    ContainerProperties properties = new ContainerProperties(topic);
    properties.setGroupId(groupId);
    properties.setMessageListener(listener);
    if (rebalanceListener != null) {
      properties.setConsumerRebalanceListener(rebalanceListener);
    }
    properties.setAckMode(ContainerProperties.AckMode.MANUAL);
    properties.setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.NEVER);
    properties.setPollTimeout(100);
    Properties consumer = new Properties();
    // Instances that stay keep their partitions through a rebalance.
    consumer.put(org.apache.kafka.clients.consumer.ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
    properties.setKafkaConsumerProperties(consumer);
    KafkaMessageListenerContainer<String, byte[]> container =
        new KafkaMessageListenerContainer<>(consumerFactory(groupId, clientId), properties);
    container.setBeanName(clientId);
    container.setCommonErrorHandler(new ContainerErrors(null, new FixedBackOff(0, 0)));
    return container;
  }

  /**
   * Binds a Streams app's metrics (its threads, tasks, processor nodes with their end-to-end
   * latency, stores and clients) to the registry. No tag is added: Prometheus wants one set of tag
   * keys per metric name, and the app's own clients share names with the process's other clients.
   */
  public void bindMetrics(KafkaStreams streams) {
    if (meters != null) {
      new KafkaStreamsMetrics(streams, List.of(), metricsRefresh, METRICS_REFRESH).bindTo(meters);
    }
  }

  /** Stops refreshing the bound clients' metrics. */
  @Override
  public void close() {
    if (metricsRefresh != null) {
      metricsRefresh.shutdownNow();
    }
  }
}
