package io.switchboard.callhandler.effects;

import com.twilio.http.TwilioRestClient;
import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.callhandler.CallbackUrls;
import io.switchboard.kafka.ContainerErrors;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Performs each side effect (a call update, an SMS) through the company's own Twilio client, at
 * most once per effect id ({@link EffectAttempts} holds the rules). Tenants are processed in
 * separate lanes, so one failing account's retries never delay another's; records of one partition
 * therefore finish out of order, and a partition's position is committed only up to its oldest
 * record still in progress.
 *
 * <p>Bounded: a partition with {@code maxInFlight} records in progress is paused until half of them
 * are done, so a Twilio outage holds at most that many records per partition in memory; outcomes
 * live in the compacted log, read through a store on disk.
 *
 * <p>Rebalances: a revoked partition's queued records are left to its next owner (they stop before
 * their next call to Twilio), the steps now running are waited for, and what finished is committed.
 * A newly assigned partition is read only once the outcome store holds every outcome written for it
 * until then, so a record its previous owner performed is never performed again here.
 *
 * <p>Records reach it through a spring-kafka listener container (lifecycle, polling, pausing,
 * commits, rebalance callbacks, error handling); the worker acknowledges each record in partition
 * order once it is finished ({@link OffsetTracker}).
 */
public final class SideEffectWorker implements AcknowledgingMessageListener<String, byte[]>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SideEffectWorker.class);

  /** What the worker is made of; built from the process's Kafka clients in the application. */
  public record Parts(String groupId, ConsumerFactory<String, byte[]> consumers, Deserializer<SideEffect> reader,
      OutcomeLog outcomes, Predicate<Map<Integer, Long>> outcomesHeld, TwilioActions twilio,
      Producer<String, CallEvent> events, Producer<String, byte[]> deadLetters) {

    /** The parts of a worker in consumer group {@code groupId}, acting through each company's own client. */
    public static Parts of(KafkaClients clients, String groupId, OutcomeStore store, CallbackUrls callbacks,
        Function<String, TwilioRestClient> companyClients) {
      return new Parts(groupId, clients.consumerFactory(groupId, "side-effect-worker"),
          Topics.SIDE_EFFECTS.valueSerde(clients.registry()).deserializer(),
          new OutcomeLog(clients.producer(Topics.SIDE_EFFECT_OUTCOMES, "side-effect-outcomes"), store::get,
              Duration.ofSeconds(30)),
          store::holds,
          new TenantTwilioActions(companyClients, callbacks),
          clients.producer(Topics.CALL_EVENTS, "side-effect-events"),
          clients.producer("side-effect-dlt", Serdes.String().serializer(), Serdes.ByteArray().serializer()));
    }
  }

  /**
   * @param threads threads calling Twilio, shared by tenants
   * @param maxInFlight records in progress per partition before it is paused
   * @param settleTimeout how long a revoked partition's running steps are waited for, and the lanes on close
   */
  public record Settings(RetryPolicy retries, int threads, int maxInFlight, Duration settleTimeout,
      Duration assignmentTimeout) {}

  private final Parts parts;
  private final Settings settings;
  private final Clock clock;
  private final CallHandlerMetrics metrics;
  private final TenantLanes lanes;
  private final OffsetTracker offsets = new OffsetTracker();
  /** Partitions this instance holds; a task of another partition stops before its next step. */
  private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
  /** Steps running now, per partition, waited for when the partition is revoked. */
  private final Map<TopicPartition, AtomicInteger> running = new ConcurrentHashMap<>();
  /** Partitions paused because too much of theirs is in progress. */
  private final Set<TopicPartition> paused = ConcurrentHashMap.newKeySet();
  private final KafkaMessageListenerContainer<String, byte[]> container;

  public SideEffectWorker(Parts parts, Settings settings, Clock clock, CallHandlerMetrics metrics) {
    this.parts = parts;
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.lanes = new TenantLanes(settings.threads(), settings.settleTimeout());
    ContainerProperties properties = new ContainerProperties(Topics.SIDE_EFFECTS.name());
    properties.setGroupId(parts.groupId());
    properties.setAckMode(ContainerProperties.AckMode.MANUAL);
    properties.setMessageListener(this);
    properties.setConsumerRebalanceListener(new Rebalance());
    properties.setPollTimeout(100);
    properties.setShutdownTimeout(settings.settleTimeout().plusSeconds(5).toMillis());
    this.container = new KafkaMessageListenerContainer<>(parts.consumers(), properties);
    this.container.setBeanName("side-effect-worker");
    // The listener catches what it expects; anything else is retried twice, then dead-lettered. The
    // container does not commit a recovered record itself: records before it may still be in progress.
    ContainerErrors errors = new ContainerErrors((record, error) -> {
      @SuppressWarnings("unchecked")
      ConsumerRecord<String, byte[]> failed = (ConsumerRecord<String, byte[]>) record;
      deadLetter(failed, "could not be taken on: " + error.getMessage(), "listener_error");
      offsets.finished(new TopicPartition(failed.topic(), failed.partition()), failed.offset());
    }, new FixedBackOff(1_000, 2));
    errors.setAckAfterHandle(false);
    this.container.setCommonErrorHandler(errors);
  }

  /** The listener container that feeds this worker, to run with the process. */
  public KafkaMessageListenerContainer<String, byte[]> container() {
    return container;
  }

  @Override
  public void onMessage(ConsumerRecord<String, byte[]> record, Acknowledgment ack) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    offsets.started(partition, record.offset(), ack);
    pauseIfFull(partition);
    SideEffect effect;
    try {
      effect = parts.reader().deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      deadLetter(record, "undecodable side effect: " + e.getMessage(), "undecodable");
      offsets.finished(partition, record.offset());
      return;
    }
    boolean forced = record.headers().lastHeader(DeadLetterHeaders.REDRIVE_FORCE) != null;
    AtomicInteger busy = running.computeIfAbsent(partition, p -> new AtomicInteger());
    EffectAttempts attempts = new EffectAttempts(effect, forced, parts.outcomes(), parts.twilio(), settings.retries(),
        clock, metrics, () -> owned.contains(partition), new EffectAttempts.Sink() {
          @Override
          public void deadLetter(SideEffect failed, String reason, String metricReason) {
            SideEffectWorker.this.deadLetter(record, reason, metricReason);
          }

          @Override
          public void finished() {
            // Not for a partition revoked since (and perhaps assigned again, with the record re-read).
            if (running.get(partition) == busy) {
              offsets.finished(partition, record.offset());
              resumeIfDrained(partition);
            }
          }

          @Override
          public void applied(SideEffect done, String sid) {
            recordCallEvent(done, sid);
          }
        });
    lanes.submit(effect.getCompanyId(), () -> {
      busy.incrementAndGet();
      try {
        return attempts.runAndRescheduleAfterMillis();
      } finally {
        if (busy.decrementAndGet() == 0) {
          synchronized (busy) {
            busy.notifyAll();
          }
        }
      }
    });
  }

  /** Pauses a partition with too much in progress: the container stops fetching it before its next poll. */
  private void pauseIfFull(TopicPartition partition) {
    if (offsets.inFlight(partition) >= settings.maxInFlight() && paused.add(partition)) {
      log.warn("Pausing {}: {} side effects in progress", partition, settings.maxInFlight());
      container.pausePartition(partition);
    }
  }

  /** Resumes a paused partition once half of what it had in progress is done. */
  private void resumeIfDrained(TopicPartition partition) {
    if (paused.contains(partition) && offsets.inFlight(partition) <= settings.maxInFlight() / 2
        && paused.remove(partition)) {
      log.info("Resuming {}", partition);
      container.resumePartition(partition);
    }
  }

  /** Records in progress (queued or running), over all partitions. */
  public int inFlight() {
    return offsets.inFlight();
  }

  private final class Rebalance implements ConsumerAwareRebalanceListener {

    /** Before the container commits what was acknowledged: the steps running now end first. */
    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
      owned.removeAll(partitions);
      settle(partitions);
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
      partitions.forEach(partition -> {
        offsets.forget(partition);
        running.remove(partition);
      });
      release(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
      // Another instance may already own them: nothing is committed, nothing more is started.
      owned.removeAll(partitions);
      partitions.forEach(offsets::forget);
      release(partitions);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      awaitOutcomesOf(consumer, partitions);
      owned.addAll(partitions);
    }

    /** A partition that comes back starts unpaused. */
    private void release(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        if (paused.remove(partition)) {
          container.resumePartition(partition);
        }
      }
    }
  }

  /** Waits for the steps running on these partitions (a Twilio call and its record) to end. */
  private void settle(Collection<TopicPartition> partitions) {
    long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
    for (TopicPartition partition : partitions) {
      AtomicInteger busy = running.get(partition);
      if (busy == null) {
        continue;
      }
      synchronized (busy) {
        while (busy.get() > 0 && System.nanoTime() < deadline) {
          try {
            busy.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (busy.get() > 0) {
          log.warn("{} side effect steps of {} still running after {}; their outcome is left to be found",
              busy.get(), partition, settings.settleTimeout());
        }
      }
    }
  }

  /**
   * The outcomes topic has the same partitions and keys as the side-effects topic: partition p of
   * one holds the outcomes of partition p of the other. Everything written to them before now must be
   * in the store before their records are read.
   */
  private void awaitOutcomesOf(Consumer<?, ?> c, Collection<TopicPartition> partitions) {
    List<TopicPartition> outcomePartitions = partitions.stream()
        .map(p -> new TopicPartition(Topics.SIDE_EFFECT_OUTCOMES.name(), p.partition())).toList();
    Map<Integer, Long> ends = c.endOffsets(outcomePartitions).entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().partition(), Map.Entry::getValue));
    long deadline = System.nanoTime() + settings.assignmentTimeout().toNanos();
    while (!parts.outcomesHeld().test(ends)) {
      if (System.nanoTime() > deadline || !container.isRunning()) {
        throw new IllegalStateException("The outcome store did not reach " + ends + " within "
            + settings.assignmentTimeout() + "; not reading " + partitions);
      }
      synchronized (this) {
        try {
          wait(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the outcome store", e);
        }
      }
    }
  }

  private void recordCallEvent(SideEffect effect, String sid) {
    SideEffectKind kind = effect.getKind();
    boolean sms = kind == SideEffectKind.SEND_SMS;
    CallEventType type = sms ? CallEventType.SMS_SENT
        : kind == SideEffectKind.PLACE_CALL ? CallEventType.CALL_PLACED : CallEventType.CALL_UPDATED;
    String callSid = sms ? null : kind == SideEffectKind.PLACE_CALL ? sid : effect.getCallSid();
    CallEvent event = CallEvent.newBuilder()
        .setEventId(effect.getEventId())
        .setType(type)
        .setCallSid(callSid)
        .setMessageSid(sms ? sid : null)
        .setCompanyId(effect.getCompanyId())
        .setFrom(effect.getFrom())
        .setTo(effect.getTo())
        .setOccurredAt(clock.instant())
        .setReplay(effect.getReplay())
        .build();
    safely(() -> parts.events().send(new ProducerRecord<>(Topics.CALL_EVENTS.name(), sms ? sid : callSid, event)));
  }

  private void deadLetter(ConsumerRecord<String, byte[]> source, String reason, String metricReason) {
    ProducerRecord<String, byte[]> out = new ProducerRecord<>(Topics.SIDE_EFFECTS_DLT.name(), source.key(), source.value());
    DeadLetterHeaders.add(out.headers(), source, new IllegalStateException(reason));
    safely(() -> parts.deadLetters().send(out));
    metrics.deadLetter(Topics.SIDE_EFFECTS_DLT.name(), metricReason);
  }

  private static void safely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.error("Could not record: {}", e.getMessage());
    }
  }

  /**
   * Stops the container (the steps running on its partitions are settled and what finished is
   * committed as it leaves its group), then the lanes; what is queued is left to the next owner.
   */
  @Override
  public void close() {
    container.stop();
    lanes.close();
    for (AutoCloseable producer : new AutoCloseable[] {parts.outcomes().writer(), parts.events(), parts.deadLetters()}) {
      try {
        producer.close();
      } catch (Exception e) {
        log.debug("Closing: {}", e.toString());
      }
    }
  }

  /** Whether this instance holds the partition now. */
  boolean owns(TopicPartition partition) {
    return owned.contains(partition);
  }

  /** Tasks queued or running in the lanes. */
  int queued() {
    return lanes.size();
  }

}
