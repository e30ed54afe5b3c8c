package io.switchboard.callhandler.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.callhandler.CallbackUrls;
import io.switchboard.callhandler.TwimlFactory;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.InMemorySchemaRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's commit discipline, with Kafka's own in-memory consumer and producer: offsets are
 * committed only after Kafka has acknowledged everything produced for them, and the next poll does
 * not wait for those acknowledgements.
 */
class CallHandlerLoopTest {

  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
  private static final TopicPartition PARTITION = new TopicPartition(Topics.WEBHOOKS_RESOLVED.name(), 0);

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final KafkaClients clients = new KafkaClients("unused:9092", registry);
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  private final CallHandlerLoop loop = new CallHandlerLoop(clients,
      new TwimlFactory(new CallbackUrls("https://sb.example.com")), Clock.fixed(T0, ZoneOffset.UTC),
      CallHandlerMetrics.unexported(), () -> consumer, () -> producer);
  private Thread thread;

  @AfterEach
  void stop() throws InterruptedException {
    loop.stop();
    if (thread != null) {
      thread.join(5_000);
    }
  }

  @Test
  void shouldCommitABatchOnlyOnceKafkaHasAcknowledgedItsReplyAndEvents() {
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(PARTITION));
      consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
      consumer.addRecord(record(0, "ev-0"));
    });
    start();

    // The reply and CALL_ROUTED are sent, not yet acknowledged: nothing is committed.
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
    assertThat(producer.history()).extracting(r -> r.topic())
        .containsExactly(Topics.REPLIES.name(), Topics.CALL_EVENTS.name());
    // The loop goes on polling meanwhile: a second webhook is handled before the first is acknowledged.
    consumer.schedulePollTask(() -> consumer.addRecord(record(1, "ev-1")));
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 4);
    assertThat(committed()).isNull();

    // The first batch acknowledged: its offset, and only its offset, is committed.
    producer.completeNext();
    producer.completeNext();
    await().atMost(Duration.ofSeconds(10)).until(() -> committed() != null);
    assertThat(committed().offset()).isEqualTo(1);

    producer.completeNext();
    producer.completeNext();
    await().atMost(Duration.ofSeconds(10)).until(() -> committed().offset() == 2);
  }

  private void start() {
    thread = new Thread(loop, "call-handler-test");
    thread.setDaemon(true);
    thread.start();
  }

  private OffsetAndMetadata committed() {
    return consumer.committed(Set.of(PARTITION)).get(PARTITION);
  }

  private ConsumerRecord<String, byte[]> record(long offset, String eventId) {
    RoutingSnapshot route = RoutingSnapshot.newBuilder().setCompanyId("acme").setAccountSid("AC" + "a".repeat(32))
        .setRoutingMode(RoutingMode.FORWARD).setForwardNumber("+15559876543").setRecordingEnabled(true).build();
    WebhookReceived event = WebhookReceived.newBuilder()
        .setEventId(eventId)
        .setKind(WebhookKind.VOICE)
        .setTenantNumber("+15551230001")
        .setCallSid("CA" + offset)
        .setRequestUrl("https://sb.example.com/api/twilio/voice")
        .setParams(Map.of("To", List.of("+15551230001"), "From", List.of("+15550001111")))
        .setSignatureOutcome(SignatureOutcome.VALID)
        .setReceivedAt(T0)
        .build();
    ResolvedWebhook resolved = ResolvedWebhook.newBuilder().setEvent(event).setRoute(route)
        .setNumberSource(NumberSource.PHONE_NUMBERS).setResolvedAt(T0).build();
    byte[] value = Topics.WEBHOOKS_RESOLVED.valueSerde(registry).serializer().serialize(PARTITION.topic(), resolved);
    return new ConsumerRecord<>(PARTITION.topic(), 0, offset, "CA" + offset, value);
  }
}
