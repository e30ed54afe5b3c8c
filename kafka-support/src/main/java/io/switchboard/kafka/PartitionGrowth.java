package io.switchboard.kafka;

import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grows a stopped Switchboard cluster to more partitions (docs/operations.md, "Growing the
 * partitions"). Adding partitions in place would move keys of the compacted topics to other
 * partitions while their old values stay behind, so the topics are recreated instead: what cannot
 * be derived again (SMS opt-outs, side-effect outcomes) is kept and written back by key, everything
 * else is rebuilt by the processes (the mirror's snapshot of MongoDB, the resolver's routes, the
 * health checks). Refuses to run while any consumer group on the cluster has members: every
 * Switchboard process must be stopped first.
 */
public final class PartitionGrowth {

  private static final Logger log = LoggerFactory.getLogger(PartitionGrowth.class);

  /** Records that no process can derive again: kept across the growth. */
  static final List<Topic<String, ?>> KEPT = List.of(Topics.SMS_OPT_OUTS, Topics.SIDE_EFFECT_OUTCOMES);

  /** What a growth did. */
  public record Report(int from, int to, Map<String, Integer> keptRecords, List<String> internalTopicsDeleted) {}

  private PartitionGrowth() {}

  /**
   * @param streamsApplicationIds the Kafka Streams application ids whose internal topics are deleted with
   *     the rest (their changelogs have the old count): by default tenant-resolver-stream and call-handler's
   */
  public static Report grow(Properties adminProperties, short replicationFactor, int partitions,
      Collection<String> streamsApplicationIds) {
    try (Admin admin = Admin.create(adminProperties)) {
      List<String> active = new ArrayList<>();
      Collection<GroupListing> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS);
      List<String> groupIds = groups.stream().map(GroupListing::groupId).toList();
      if (!groupIds.isEmpty()) {
        for (Map.Entry<String, ConsumerGroupDescription> group : admin.describeConsumerGroups(groupIds).all()
            .get(30, TimeUnit.SECONDS).entrySet()) {
          if (!group.getValue().members().isEmpty()) {
            active.add(group.getKey());
          }
        }
      }
      if (!active.isEmpty()) {
        throw new IllegalStateException("Stop every Switchboard process first: consumer groups " + active
            + " have members");
      }
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      int from = admin.describeTopics(List.of(Topics.WEBHOOKS.name())).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(Topics.WEBHOOKS.name()).partitions().size();
      if (partitions <= from) {
        throw new IllegalArgumentException("The topics have " + from + " partitions; growing means more than that");
      }
      Map<String, Map<String, byte[]>> kept = new LinkedHashMap<>();
      for (Topic<String, ?> topic : KEPT) {
        kept.put(topic.name(), latestByKey(adminProperties, topic.name()));
      }
      List<String> internal = existing.stream().filter(name -> streamsApplicationIds.stream()
          .anyMatch(app -> name.startsWith(app + "-") && (name.endsWith("-changelog") || name.endsWith("-repartition"))))
          .sorted().toList();
      List<String> doomed = new ArrayList<>(internal);
      Topics.ALL.stream().map(Topic::name).filter(existing::contains).forEach(doomed::add);
      admin.deleteTopics(doomed).all().get(60, TimeUnit.SECONDS);
      awaitGone(admin, doomed);
      TopicCreator.createAll(adminProperties, replicationFactor, partitions);
      Map<String, Integer> written = new LinkedHashMap<>();
      Properties producer = new Properties();
      producer.putAll(adminProperties);
      producer.put(ProducerConfig.ACKS_CONFIG, "all");
      producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      try (KafkaProducer<byte[], byte[]> out = new KafkaProducer<>(producer, new ByteArraySerializer(),
          new ByteArraySerializer())) {
        kept.forEach((topic, records) -> {
          records.forEach((key, value) -> out.send(new ProducerRecord<>(topic,
              key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value)));
          written.put(topic, records.size());
        });
        out.flush();
      }
      log.info("Grew Switchboard's topics from {} to {} partitions; kept {}; deleted internal topics {}", from,
          partitions, written, internal);
      return new Report(from, partitions, written, internal);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Growing the partitions failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while growing the partitions", e);
    }
  }

  /** The latest value of every key of a compacted topic (tombstones remove the key), as bytes. */
  private static Map<String, byte[]> latestByKey(Properties adminProperties, String topic) {
    Properties consumer = new Properties();
    consumer.putAll(adminProperties);
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, byte[]> latest = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      TopicScan.readToEnd(reader, List.of(topic), record -> {
        if (record.key() == null) {
          return;
        }
        String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        if (record.value() == null) {
          latest.remove(key);
        } else {
          latest.put(key, record.value());
        }
      });
    }
    return latest;
  }

  private static void awaitGone(Admin admin, List<String> topics)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().anyMatch(topics::contains)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Topics were not deleted within 60 s: " + topics);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
