package io.switchboard.callhandler.effects;

import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcomes topic as a key-value store on local disk (a Kafka Streams global store in RocksDB),
 * so that the side-effect worker knows every outcome ever recorded with memory bounded by RocksDB's
 * caches rather than by the number of effects. The store is rebuilt from the topic at each start
 * (a fresh state folder), which makes its position exact: it knows up to which offset of each
 * partition it holds, and {@link #awaitPosition} lets the worker wait, when it is given partitions,
 * until every outcome written before then (by the partitions' previous owner) is in the store.
 */
public final class OutcomeStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutcomeStore.class);
  static final String STORE = "side-effect-outcomes";

  private final KafkaStreams streams;
  private final Path stateDir;
  private final Deserializer<SideEffectOutcome> reader;
  /** Per partition of the outcomes topic, the highest offset the store holds. */
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
  private volatile ReadOnlyKeyValueStore<String, byte[]> view;

  public OutcomeStore(KafkaClients clients, String applicationId) {
    try {
      this.stateDir = Files.createTempDirectory("switchboard-outcomes");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a folder for the outcome store", e);
    }
    this.reader = Topics.SIDE_EFFECT_OUTCOMES.valueSerde(clients.registry()).deserializer();
    Properties config = clients.streamsProperties(applicationId);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    StreamsBuilder builder = new StreamsBuilder();
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        Topics.SIDE_EFFECT_OUTCOMES.name(),
        // Bytes: a record that does not decode still advances the position; it is decoded when read.
        Consumed.with(Serdes.String(), Serdes.ByteArray()),
        () -> new Follower());
    this.streams = new KafkaStreams(builder.build(), config);
    streams.setGlobalStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        advance(partition.partition(), startingOffset - 1);
      }

      @Override
      public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
        advance(partition.partition(), batchEndOffset);
      }

      @Override
      public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        log.info("Outcome store restored {} records of partition {}", totalRestored, partition.partition());
      }
    });
    clients.bindMetrics(streams);
  }

  /** The Kafka Streams app that keeps the store; run it with the process. */
  public KafkaStreams streams() {
    return streams;
  }

  /** The outcome recorded for an effect, or null when none is. */
  public SideEffectOutcome get(String effectId) {
    ReadOnlyKeyValueStore<String, byte[]> store = view;
    if (store == null) {
      if (streams.state() != KafkaStreams.State.RUNNING) {
        throw new IllegalStateException("outcome store not running (" + streams.state() + ")");
      }
      store = streams.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
      view = store;
    }
    byte[] bytes = store.get(effectId);
    return bytes == null ? null : reader.deserialize(Topics.SIDE_EFFECT_OUTCOMES.name(), bytes);
  }

  /** True once the store holds every record of these partitions below the given offsets. */
  public boolean holds(Map<Integer, Long> endOffsets) {
    return streams.state() == KafkaStreams.State.RUNNING && endOffsets.entrySet().stream()
        .allMatch(end -> end.getValue() <= 0 || positions.getOrDefault(end.getKey(), -1L) >= end.getValue() - 1);
  }

  private void advance(int partition, long offset) {
    positions.merge(partition, offset, Math::max);
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(10));
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not remove {}: {}", stateDir, e.toString());
    }
  }

  /** Puts each record of the topic into the store, as a global table would, and notes its offset. */
  private final class Follower implements Processor<String, byte[], Void, Void> {
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() != null) {
        if (record.value() == null) {
          store.delete(record.key());
        } else {
          store.put(record.key(), record.value());
        }
      }
      context.recordMetadata().ifPresent(meta -> advance(meta.partition(), meta.offset()));
    }
  }
}
