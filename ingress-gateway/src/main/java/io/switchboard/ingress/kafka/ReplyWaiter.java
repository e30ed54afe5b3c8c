package io.switchboard.ingress.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.kafka.ManagedContainer;
import io.switchboard.kafka.ReadinessCheck;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
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
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListener;

/**
 * Hands each TwiML reply from {@code switchboard.replies} to the request waiting for it. The ingress
 * instances share the topic's partitions in a consumer group, and each request names one of its
 * instance's partitions in the webhook ({@link #replyPartition()}): the call-handler writes the
 * reply there, so each reply is read by the one instance waiting for it. A partition's position is
 * fixed at its end when it is assigned, before any request names it, so no reply to a request can
 * pass unseen. Only replies someone waits for are decoded. The container retries a failed poll with
 * the same consumer, from where it was; if its consumer stops for good the process leaves readiness
 * and reports itself broken ({@link ManagedContainer}). An instance without a partition (more
 * instances than partitions) is not ready.
 *
 * <p>When a partition moves to another instance (a rebalance), a request still waiting on it misses
 * its reply and gets the holding answer; its deferral goes to the same partition as the reply, so
 * the deferral join still applies the answer to the live call.
 */
public final class ReplyWaiter implements AutoCloseable, ReadinessCheck, ApplicationEventPublisherAware,
    MessageListener<String, byte[]>, ConsumerAwareRebalanceListener {

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
  /** The partitions this instance reads, positioned: the ones its requests name. */
  private volatile int[] owned = new int[0];
  private final AtomicInteger next = new AtomicInteger();
  /** Replies read by this instance, waited for or not: with replies routed, about its own requests' count. */
  private final Counter read;

  public ReplyWaiter(KafkaClients clients, String groupId) {
    this.clients = clients;
    this.replies = Topics.REPLIES.valueSerde(clients.registry()).deserializer();
    this.container = new ManagedContainer("reply-waiter", clients.groupContainer(Topics.REPLIES.name(), groupId,
        "ingress-replies", this, this));
    this.read = Counter.builder("switchboard.replies.read")
        .description("replies this ingress instance read from switchboard.replies")
        .register(clients.meters().orElseGet(SimpleMeterRegistry::new));
  }

  /** A partition of {@code switchboard.replies} this instance reads, for a request's reply; empty when it has none. */
  public Optional<Integer> replyPartition() {
    int[] partitions = owned;
    if (partitions.length == 0) {
      return Optional.empty();
    }
    return Optional.of(partitions[Math.floorMod(next.getAndIncrement(), partitions.length)]);
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

  /**
   * New partitions are positioned at their end here, on the consumer's thread and before any request
   * can name them: every reply written to them afterwards is read.
   */
  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty()) {
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
    }
    Set<Integer> now = new TreeSet<>(consumer.assignment().stream().map(TopicPartition::partition).toList());
    owned = now.stream().mapToInt(Integer::intValue).toArray();
    log.info("Reading replies from partitions {} of {}", now, Topics.REPLIES.name());
    if (!now.isEmpty()) {
      positioned.countDown();
    }
  }

  @Override
  public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    drop(partitions);
  }

  @Override
  public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    drop(partitions);
  }

  private void drop(Collection<TopicPartition> partitions) {
    Set<Integer> gone = new TreeSet<>(partitions.stream().map(TopicPartition::partition).toList());
    owned = java.util.Arrays.stream(owned).filter(p -> !gone.contains(p)).toArray();
  }

  @Override
  public void onMessage(ConsumerRecord<String, byte[]> record) {
    read.increment();
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
    if (owned.length == 0) {
      return Optional.of("no partition of " + Topics.REPLIES.name() + " to read replies from (more ingress instances"
          + " than partitions?)");
    }
    return container.problem();
  }

  @Override
  public void close() {
    container.stop();
  }
}
