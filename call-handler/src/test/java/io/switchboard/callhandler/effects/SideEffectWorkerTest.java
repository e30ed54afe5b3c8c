package io.switchboard.callhandler.effects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.mock.MockConsumerFactory;

/**
 * The worker's own Kafka behaviour (pausing, rebalances, commits) in its spring-kafka listener
 * container, on Kafka's {@link MockConsumer}.
 */
class SideEffectWorkerTest {

  private static final TopicPartition P0 = new TopicPartition(Topics.SIDE_EFFECTS.name(), 0);
  private static final TopicPartition OUTCOMES_P0 = new TopicPartition(Topics.SIDE_EFFECT_OUTCOMES.name(), 0);

  /** Positions committed, in order. */
  private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
      commits.add(Map.copyOf(offsets));
      super.commitSync(offsets, timeout);
    }
  };
  private final Map<String, SideEffectOutcome> store = new ConcurrentHashMap<>();
  private final MockProducer<String, SideEffectOutcome> outcomeWriter = new MockProducer<>(true, null,
      Serdes.String().serializer(), (topic, outcome) -> new byte[0]) {
    @Override
    public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
        org.apache.kafka.clients.producer.ProducerRecord<String, SideEffectOutcome> record) {
      store.put(record.key(), record.value());
      return super.send(record);
    }
  };
  private final CountDownLatch twilioAnswers = new CountDownLatch(1);
  private final AtomicInteger performed = new AtomicInteger();
  private final AtomicInteger calling = new AtomicInteger();
  private SideEffectWorker worker;
  /** The companies whose Twilio answers only once {@link #twilioAnswers} is counted down. */
  private volatile java.util.function.Predicate<String> slowCompany = company -> true;

  private final TwilioActions twilio = new TwilioActions() {
    @Override
    public String perform(SideEffect effect) {
      calling.incrementAndGet();
      try {
        if (slowCompany.test(effect.getCompanyId())) {
          twilioAnswers.await(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      calling.decrementAndGet();
      return "SM" + performed.incrementAndGet();
    }

    @Override
    public Finding find(SideEffect effect, Instant startedAt) {
      throw new AssertionError("not asked in these tests");
    }
  };

  private void start(int maxInFlight) {
    SideEffectWorker.Parts parts = new SideEffectWorker.Parts("side-effects-test", new MockConsumerFactory<>(() -> consumer),
        (topic, bytes) -> effect(new String(bytes, StandardCharsets.UTF_8)),
        new OutcomeLog(outcomeWriter, store::get, Duration.ofSeconds(1)), ends -> true, twilio,
        new MockProducer<String, CallEvent>(true, null, Serdes.String().serializer(), (t, e) -> new byte[0]),
        new MockProducer<>(true, null, Serdes.String().serializer(), Serdes.ByteArray().serializer()));
    worker = new SideEffectWorker(parts, new SideEffectWorker.Settings(
        new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)), 4, maxInFlight, Duration.ofSeconds(5),
        Duration.ofSeconds(5)), Clock.systemUTC(), CallHandlerMetrics.unexported());
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    consumer.updateEndOffsets(Map.of(OUTCOMES_P0, 0L));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    worker.container().start();
  }

  private static SideEffect effect(String id) {
    return SideEffect.newBuilder().setEffectId("SEND_SMS:" + id).setKind(SideEffectKind.SEND_SMS).setEventId(id)
        .setCompanyId(id.startsWith("slow") ? "slow-co" : "acme").setTo("+15551230001").setFrom("+15557770001").setBody("hello")
        .setRequestedAt(Instant.now()).build();
  }

  private void add(int count) {
    consumer.schedulePollTask(() -> {
      for (int i = 0; i < count; i++) {
        long offset = i;
        consumer.addRecord(new ConsumerRecord<>(P0.topic(), 0, offset, "SEND_SMS:evt-" + i,
            ("evt-" + i).getBytes(StandardCharsets.UTF_8)));
      }
    });
  }

  @AfterEach
  void stop() {
    twilioAnswers.countDown();
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void shouldPauseAPartitionWhoseWorkPilesUpAndResumeItOnceHalfIsDone() {
    start(4);
    add(6);

    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.paused().contains(P0));
    assertThat(worker.inFlight()).isEqualTo(6);

    twilioAnswers.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> performed.get() == 6 && !consumer.paused().contains(P0));
  }

  @Test
  void shouldLeaveQueuedEffectsOfARevokedPartitionToItsNextOwnerAfterTheRunningOneEnds() {
    start(100);
    add(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> calling.get() == 1);

    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    // The revocation waits for the call in progress, which then completes and is recorded.
    await().atMost(Duration.ofSeconds(5)).until(() -> !worker.owns(P0));
    twilioAnswers.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> worker.queued() == 0);
    assertThat(performed.get()).isEqualTo(1);
    assertThat(store.get("SEND_SMS:evt-0").getStatus().name()).isEqualTo("APPLIED");
    assertThat(store).doesNotContainKeys("SEND_SMS:evt-1", "SEND_SMS:evt-2");
    // What finished is committed on revocation, and nothing after: the next owner starts at evt-1.
    // (The container also commits the starting position on assignment, as the group had none.)
    assertThat(commits).extracting(c -> c.get(P0).offset()).containsExactly(0L, 1L);
  }

  @Test
  void shouldGoOnWithOtherTenantsPolledLaterWhileOneTenantsTwilioHangsAndCommitNothingPastIt() {
    slowCompany = "slow-co"::equals;
    start(100);
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(P0.topic(), 0, 0, "SEND_SMS:slow-0",
        "slow-0".getBytes(StandardCharsets.UTF_8))));
    await().atMost(Duration.ofSeconds(5)).until(() -> calling.get() == 1);

    // Later polls bring other tenants' effects: they are performed while the first is still waiting.
    for (int poll = 1; poll <= 3; poll++) {
      long offset = poll;
      consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(P0.topic(), 0, offset,
          "SEND_SMS:evt-" + offset, ("evt-" + offset).getBytes(StandardCharsets.UTF_8))));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> performed.get() == 3);
    assertThat(calling.get()).isEqualTo(1);
    assertThat(store.get("SEND_SMS:evt-3").getStatus().name()).isEqualTo("APPLIED");
    // Nothing is committed past the effect in progress: a crash now performs none of them twice.
    assertThat(commits).allSatisfy(c -> assertThat(c.get(P0).offset()).isZero());

    twilioAnswers.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> !commits.isEmpty()
        && commits.get(commits.size() - 1).get(P0).offset() == 4);
  }
}
