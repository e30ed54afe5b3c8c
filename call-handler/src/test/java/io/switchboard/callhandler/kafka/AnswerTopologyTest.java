package io.switchboard.callhandler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.callhandler.CallbackUrls;
import io.switchboard.callhandler.TwimlFactory;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.InMemorySchemaRegistry;
import io.switchboard.schemas.tenants.SmsOptOut;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/**
 * The answering stage with Kafka Streams' own test driver: what each webhook produces, and what
 * becomes of a record that cannot be answered.
 */
class AnswerTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
  private static final String ACCOUNT = "AC" + "a".repeat(32);

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final KafkaClients clients = new KafkaClients("unused:9092", registry);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TopologyTestDriver driver;

  @TempDir
  Path stateDir;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void start() {
    Properties settings = AnswerTopology.settings(clients, "answers-test", stateDir.toString());
    driver = new TopologyTestDriver(AnswerTopology.build(clients,
        new TwimlFactory(new CallbackUrls("https://sb.example.com")), Clock.fixed(T0, ZoneOffset.UTC),
        new CallHandlerMetrics(meters)), settings);
  }

  @Test
  void shouldAnswerAResolvedCallWithItsReplyAndItsRoutedEvent() {
    start();
    resolvedInput().pipeInput("CA1", encode(resolved("ev-1", WebhookKind.VOICE, Map.of())));

    List<TestRecord<String, TwimlReply>> replies = replies().readRecordsToList();
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).key()).isEqualTo("ev-1");
    assertThat(replies.get(0).value().getCompanyId()).isEqualTo("acme");
    assertThat(replies.get(0).value().getTwiml()).contains("<Dial").contains("+15559876543");
    List<TestRecord<String, CallEvent>> events = events().readRecordsToList();
    assertThat(events).extracting(r -> r.value().getType()).containsExactly(CallEventType.CALL_ROUTED);
    assertThat(events.get(0).key()).isEqualTo("CA-ev-1");
  }

  @Test
  void shouldDeadLetterARecordThatDoesNotDecodeWithItsOriginAndGoOn() {
    start();
    TestInputTopic<String, byte[]> input = resolvedInput();
    input.pipeInput("CA0", "not avro".getBytes(StandardCharsets.UTF_8));
    input.pipeInput("CA1", encode(resolved("ev-1", WebhookKind.VOICE, Map.of())));

    TestOutputTopic<String, byte[]> dlt = driver.createOutputTopic(Topics.WEBHOOKS_RESOLVED_DLT.name(),
        new StringDeserializer(), new ByteArrayDeserializer());
    TestRecord<String, byte[]> dead = dlt.readRecord();
    assertThat(dead.key()).isEqualTo("CA0");
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
        .isEqualTo(Topics.WEBHOOKS_RESOLVED.name());
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).isNotBlank();
    assertThat(dlt.isEmpty()).isTrue();
    assertThat(meters.get("switchboard.dead.letters").tag("topic", Topics.WEBHOOKS_RESOLVED_DLT.name()).counter()
        .count()).isEqualTo(1.0);
    // The next record is answered as usual, and nothing of the dead one was produced.
    assertThat(replies().readRecordsToList()).extracting(TestRecord::key).containsExactly("ev-1");
  }

  @Test
  void shouldRecordAStopKeywordAsAnOptOutOfItsSender() {
    start();
    resolvedInput().pipeInput("SM1", encode(resolved("ev-2", WebhookKind.SMS,
        Map.of("Body", List.of("STOP"), "From", List.of("+15550001111")))));

    TestOutputTopic<String, SmsOptOut> optOuts = driver.createOutputTopic(Topics.SMS_OPT_OUTS.name(),
        new StringDeserializer(), Topics.SMS_OPT_OUTS.valueSerde(registry).deserializer());
    SmsOptOut optOut = optOuts.readValue();
    assertThat(optOut.getCompanyId()).isEqualTo("acme");
    assertThat(optOut.getNumber()).isEqualTo("+15550001111");
    assertThat(optOut.getOptedOut()).isTrue();
    assertThat(events().readRecordsToList()).extracting(r -> r.value().getType())
        .containsExactly(CallEventType.SMS_RECEIVED);
  }

  @Test
  void shouldAnswerNeitherNorRecordAForgedWebhookButAnswerAnUnknownNumber() {
    start();
    TestInputTopic<String, byte[]> unroutable = driver.createInputTopic(Topics.WEBHOOKS_UNROUTABLE.name(),
        new StringSerializer(), new ByteArraySerializer());
    UnroutableWebhook forged = UnroutableWebhook.newBuilder().setEvent(event("ev-3", WebhookKind.VOICE, Map.of()))
        .setReason(UnroutableReason.SIGNATURE_INVALID).setDetail("signature does not match").setDecidedAt(T0).build();
    UnroutableWebhook unknown = UnroutableWebhook.newBuilder().setEvent(event("ev-4", WebhookKind.VOICE, Map.of()))
        .setReason(UnroutableReason.NO_COMPANY).setDetail("no company has it").setDecidedAt(T0).build();
    var serializer = Topics.WEBHOOKS_UNROUTABLE.valueSerde(registry).serializer();
    unroutable.pipeInput("+15551230001", serializer.serialize(Topics.WEBHOOKS_UNROUTABLE.name(), forged));
    unroutable.pipeInput("+15551230001", serializer.serialize(Topics.WEBHOOKS_UNROUTABLE.name(), unknown));

    // The ingress refused the forged one itself: no reply and no call, only its audit record upstream.
    assertThat(replies().readRecordsToList()).extracting(TestRecord::key).containsExactly("ev-4");
    assertThat(events().readRecordsToList()).extracting(r -> r.value().getEventId()).containsExactly("ev-4");
  }

  private TestInputTopic<String, byte[]> resolvedInput() {
    return driver.createInputTopic(Topics.WEBHOOKS_RESOLVED.name(), new StringSerializer(), new ByteArraySerializer());
  }

  private TestOutputTopic<String, TwimlReply> replies() {
    return driver.createOutputTopic(Topics.REPLIES.name(), new StringDeserializer(),
        Topics.REPLIES.valueSerde(registry).deserializer());
  }

  private TestOutputTopic<String, CallEvent> events() {
    return driver.createOutputTopic(Topics.CALL_EVENTS.name(), new StringDeserializer(),
        Topics.CALL_EVENTS.valueSerde(registry).deserializer());
  }

  private byte[] encode(ResolvedWebhook resolved) {
    return Topics.WEBHOOKS_RESOLVED.valueSerde(registry).serializer().serialize(Topics.WEBHOOKS_RESOLVED.name(),
        resolved);
  }

  private static ResolvedWebhook resolved(String eventId, WebhookKind kind, Map<String, List<String>> params) {
    RoutingSnapshot route = RoutingSnapshot.newBuilder().setCompanyId("acme").setAccountSid(ACCOUNT)
        .setRoutingMode(RoutingMode.FORWARD).setForwardNumber("+15559876543").setRecordingEnabled(true).build();
    return ResolvedWebhook.newBuilder().setEvent(event(eventId, kind, params)).setRoute(route)
        .setNumberSource(NumberSource.PHONE_NUMBERS).setResolvedAt(T0).build();
  }

  private static WebhookReceived event(String eventId, WebhookKind kind, Map<String, List<String>> params) {
    Map<String, List<String>> all = new java.util.HashMap<>(Map.of("To", List.of("+15551230001"),
        "From", List.of("+15550001111")));
    all.putAll(params);
    WebhookReceived.Builder event = WebhookReceived.newBuilder()
        .setEventId(eventId)
        .setKind(kind)
        .setTenantNumber("+15551230001")
        .setRequestUrl("https://sb.example.com/api/twilio/" + (kind == WebhookKind.SMS ? "sms" : "voice"))
        .setParams(all)
        .setSignatureOutcome(SignatureOutcome.VALID)
        .setReceivedAt(T0);
    if (kind == WebhookKind.SMS) {
      event.setMessageSid("SM-" + eventId);
    } else {
      event.setCallSid("CA-" + eventId);
    }
    return event.build();
  }

  @Test
  void shouldWriteTheReplyToThePartitionTheWaitingIngressNamed() {
    start();
    WebhookReceived event = event("ev-5", WebhookKind.VOICE, Map.of());
    event.setReplyPartition(4);
    ResolvedWebhook resolved = resolved("ev-5", WebhookKind.VOICE, Map.of());
    resolved.setEvent(event);
    resolvedInput().pipeInput("CA-ev-5", encode(resolved));

    TwimlReply reply = replies().readValue();
    assertThat(reply.getReplyPartition()).isEqualTo(4);
    assertThat(AnswerTopology.replyPartition(Topics.REPLIES.name(), "ev-5", reply, 6)).contains(java.util.Set.of(4));
    // A partition the topic does not have (it shrank? never), or none named: by key, as before.
    assertThat(AnswerTopology.replyPartition(Topics.REPLIES.name(), "ev-5", reply, 3)).isEmpty();
    reply.setReplyPartition(null);
    assertThat(AnswerTopology.replyPartition(Topics.REPLIES.name(), "ev-5", reply, 6)).isEmpty();
  }
}
