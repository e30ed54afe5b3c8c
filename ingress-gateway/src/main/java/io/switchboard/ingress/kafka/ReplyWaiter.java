package io.switchboard.ingress.kafka;

import io.switchboard.kafka.ManagedContainer;
import io.switchboard.kafka.ReadinessCheck;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * Hands each TwiML reply from {@code switchboard.replies} to the request waiting for it. Every
 * ingress instance reads every partition from the end (no consumer group), in a spring-kafka
 * listener container, and its position is fixed before it serves, so no reply to a request it
 * accepted can pass unseen. Only replies someone waits for are decoded. The container retries a
 * failed poll with the same consumer, from where it was (so replies written meanwhile still reach
 * their requests); if its consumer stops for good the process leaves readiness and reports itself
 * broken ({@link ManagedContainer}).
 */
public final class ReplyWaiter implements AutoCloseable, ReadinessCheck, ApplicationEventPublisherAware,
    MessageListener<String, byte[]>, ConsumerSeekAware {

  private static final Logger log = LoggerFactory.getLogger(ReplyWaiter.class);
  /** Twilio refuses inline TwiML longer than this in a call update. */
  public static final int TWIML_UPDATE_LIMIT = 4_000;
  private static final int LONG_REPLIES_KEPT = 2_000;
  /** How far back a reply this instance did not see is looked for. */
  static final Duration LOOKBACK = Duration.ofMinutes(5);
  /** How long such a lookup may take before the fetch is answered 404. */
  static final Duration LOOKUP_TIME = Duration.ofSeconds(3);

  private final KafkaClients clients;
  /** Replies' values, for the loop and the lookups (stateless: the registry client caches schemas). */
  private final Deserializer<TwimlReply> replies;
  private final Map<String, CompletableFuture<TwimlReply>> waiting = new ConcurrentHashMap<>();
  /** Replies too long for a call update's inline TwiML, kept for Twilio to fetch by URL. */
  private final Map<String, TwimlReply> longReplies = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TwimlReply> eldest) {
          return size() > LONG_REPLIES_KEPT;
        }
      });
  private final CountDownLatch positioned = new CountDownLatch(1);
  private final ManagedContainer container;

  public ReplyWaiter(KafkaClients clients) {
    this.clients = clients;
    this.replies = Topics.REPLIES.valueSerde(clients.registry()).deserializer();
    this.container = new ManagedContainer("reply-waiter", clients.allPartitionsContainer(Topics.REPLIES.name(),
        "ingress-replies", TopicPartitionOffset.SeekPosition.END, this));
  }

  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher events) {
    container.setApplicationEventPublisher(events);
  }

  public void start() throws InterruptedException {
    container.start();
    if (!positioned.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Could not position on " + Topics.REPLIES.name() + " within 30 s");
    }
  }

  /** Registers interest in an event's reply; call before publishing the event. */
  public CompletableFuture<TwimlReply> expect(String eventId) {
    return waiting.computeIfAbsent(eventId, id -> new CompletableFuture<>());
  }

  /**
   * A reply whose TwiML is too long to go inline in a call update: from this instance's memory, or
   * else read back from {@code switchboard.replies}, so that whichever instance Twilio's fetch
   * reaches behind a load balancer can serve it. The fetch follows the call update within seconds of
   * the reply, so only the last {@link #LOOKBACK} of the topic is read, for at most {@link #LOOKUP_TIME}.
   */
  public Optional<TwimlReply> longReply(String eventId) {
    TwimlReply known = longReplies.get(eventId);
    return known != null ? Optional.of(known) : lookUp(eventId);
  }

  private Optional<TwimlReply> lookUp(String eventId) {
    long deadline = System.nanoTime() + LOOKUP_TIME.toNanos();
    try (KafkaConsumer<String, byte[]> c = clients.consumer(null, "ingress-reply-lookup",
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(Topics.REPLIES.name(), LOOKUP_TIME).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(partitions);
      long since = System.currentTimeMillis() - LOOKBACK.toMillis();
      Map<TopicPartition, Long> ends = c.endOffsets(partitions, LOOKUP_TIME);
      var starts = c.offsetsForTimes(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> since)),
          LOOKUP_TIME);
      for (TopicPartition partition : partitions) {
        var start = starts.get(partition);
        c.seek(partition, start == null ? ends.get(partition) : start.offset());
      }
      while (System.nanoTime() < deadline
          && ends.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(100))) {
          if (eventId.equals(record.key()) && record.value() != null) {
            TwimlReply reply = replies.deserialize(record.topic(), record.value());
            if (reply.getTwiml().length() > TWIML_UPDATE_LIMIT) {
              longReplies.put(eventId, reply);
            }
            return Optional.of(reply);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("Reply {} could not be looked up on {}: {}", eventId, Topics.REPLIES.name(), e.toString());
    }
    return Optional.empty();
  }

  private void keepLong(String eventId, byte[] value) {
    try {
      TwimlReply reply = replies.deserialize(Topics.REPLIES.name(), value);
      if (reply.getTwiml().length() > TWIML_UPDATE_LIMIT) {
        longReplies.put(eventId, reply);
      }
    } catch (RuntimeException e) {
      log.warn("Reply {} could not be read: {}", eventId, e.getMessage());
    }
  }

  public void forget(String eventId) {
    waiting.remove(eventId);
  }

  /** The positions are fixed (the consumer has looked up the ends): from now on no reply passes unseen. */
  @Override
  public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    positioned.countDown();
  }

  @Override
  public void onMessage(ConsumerRecord<String, byte[]> record) {
    CompletableFuture<TwimlReply> future = record.key() == null ? null : waiting.remove(record.key());
    if (record.value() != null && record.value().length > TWIML_UPDATE_LIMIT) {
      keepLong(record.key(), record.value());
    }
    if (future != null) {
      try {
        future.complete(replies.deserialize(record.topic(), record.value()));
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
  }

  @Override
  public String readinessName() {
    return "reply-waiter";
  }

  @Override
  public Optional<String> problem() {
    if (positioned.getCount() > 0) {
      return Optional.of("positioning on " + Topics.REPLIES.name());
    }
    return container.problem();
  }

  @Override
  public void close() {
    container.stop();
  }
}
