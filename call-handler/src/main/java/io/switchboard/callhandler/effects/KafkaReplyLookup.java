package io.switchboard.callhandler.effects;

import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back a partition of {@code switchboard.replies} for the deferral join after its task
 * started: a consumer of its own, assigned that one partition (no group), from the first record at
 * or after the given time to the partition's end when asked. Used at most once per task start.
 */
public final class KafkaReplyLookup implements DeferralTopology.ReplyLookup {

  private static final Logger log = LoggerFactory.getLogger(KafkaReplyLookup.class);
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private final KafkaClients clients;
  private final String clientId;

  public KafkaReplyLookup(KafkaClients clients, String clientId) {
    this.clients = clients;
    this.clientId = clientId;
  }

  @Override
  public void readSince(int partition, long fromTimestamp, DeferralTopology.FoundReply each) {
    TopicPartition tp = new TopicPartition(Topics.REPLIES.name(), partition);
    long began = System.nanoTime();
    int read = 0;
    try (KafkaConsumer<String, TwimlReply> consumer = new KafkaConsumer<>(clients.consumerProperties(null, clientId),
        Topics.REPLIES.keySerde().deserializer(), Topics.REPLIES.valueSerde(clients.registry()).deserializer())) {
      consumer.assign(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      OffsetAndTimestamp from = consumer.offsetsForTimes(Map.of(tp, Math.max(0, fromTimestamp))).get(tp);
      if (from == null) {
        return;
      }
      consumer.seek(tp, from.offset());
      long deadline = began + LIMIT.toNanos();
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, TwimlReply> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() != null && record.value() != null) {
            each.found(record.key(), record.value(), record.timestamp());
            read++;
          }
        }
      }
      if (consumer.position(tp) < end) {
        log.warn("Read back {} replies of {} for the deferral join, not to its end within {} s", read, tp,
            LIMIT.toSeconds());
      }
    }
    log.info("Read back {} replies of {} since the task started, in {} ms", read, tp,
        (System.nanoTime() - began) / 1_000_000);
  }
}
