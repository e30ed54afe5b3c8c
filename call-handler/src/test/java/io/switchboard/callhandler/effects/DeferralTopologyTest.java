package io.switchboard.callhandler.effects;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallDeferred;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.InMemorySchemaRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeferralTopologyTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  /** The replies topic as the lookup would read it back: what a task before this one read. */
  private final List<TestRecord<String, TwimlReply>> readBefore = new ArrayList<>();
  private final List<Long> lookups = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, CallDeferred> deferrals;
  private TestInputTopic<String, TwimlReply> replies;
  private TestOutputTopic<String, SideEffect> effects;

  @BeforeEach
  void start() {
    driver = driver();
  }

  private TopologyTestDriver driver() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "deferrals-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    TopologyTestDriver driver = new TopologyTestDriver(DeferralTopology.buildTopology(
        new DeferralTopology.Config(registry, Clock.fixed(T0, ZoneOffset.UTC), (partition, from, each) -> {
          lookups.add(from);
          readBefore.stream().filter(r -> r.timestamp() >= from)
              .forEach(r -> each.found(r.key(), r.value(), r.timestamp()));
        })), props);
    deferrals = driver.createInputTopic(Topics.DEFERRALS.name(), Topics.DEFERRALS.keySerde().serializer(),
        Topics.DEFERRALS.valueSerde(registry).serializer());
    replies = driver.createInputTopic(Topics.REPLIES.name(), Topics.REPLIES.keySerde().serializer(),
        Topics.REPLIES.valueSerde(registry).serializer());
    effects = driver.createOutputTopic(Topics.SIDE_EFFECTS.name(), Topics.SIDE_EFFECTS.keySerde().deserializer(),
        Topics.SIDE_EFFECTS.valueSerde(registry).deserializer());
    return driver;
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void shouldUpdateTheLiveCallWhenTheReplyArrivesAfterTheDeferral() {
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.VOICE), T0);
    replies.pipeInput("ev-1", reply("ev-1", "<Response><Say>hi</Say></Response>", null), T0.plusSeconds(3));

    TestRecord<String, SideEffect> out = effects.readRecord();
    assertThat(out.key()).isEqualTo("CALL_UPDATE:ev-1");
    assertThat(out.value().getKind()).isEqualTo(SideEffectKind.CALL_UPDATE);
    assertThat(out.value().getCompanyId()).isEqualTo("acme");
    assertThat(out.value().getCallSid()).isEqualTo("CA1");
    assertThat(out.value().getTwiml()).isEqualTo("<Response><Say>hi</Say></Response>");
    assertThat(effects.isEmpty()).isTrue();
  }

  @Test
  void shouldUpdateTheLiveCallWhenTheReplyArrivedJustBeforeTheDeferral() {
    replies.pipeInput("ev-1", reply("ev-1", "<Response/>", null), T0);
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.VOICE), T0.plusMillis(5));

    assertThat(effects.readValue().getEffectId()).isEqualTo("CALL_UPDATE:ev-1");
  }

  @Test
  void shouldAskForNothingWhenTheAnswerWentInline() {
    replies.pipeInput("ev-1", reply("ev-1", "<Response/>", null), T0);
    deferrals.pipeInput("ev-2", deferral("ev-2", WebhookKind.VOICE), T0);

    assertThat(effects.isEmpty()).isTrue();
  }

  @Test
  void shouldSendTheReplyAsAnSmsWhenAMessageWasDeferred() {
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.SMS), T0);
    replies.pipeInput("ev-1", reply("ev-1", "<Response><Message>Thanks</Message></Response>", "Thanks"), T0);

    SideEffect effect = effects.readValue();
    assertThat(effect.getKind()).isEqualTo(SideEffectKind.SEND_SMS);
    assertThat(effect.getTo()).isEqualTo("+15557654321");
    assertThat(effect.getFrom()).isEqualTo("+15551230001");
    assertThat(effect.getBody()).isEqualTo("Thanks");
  }

  @Test
  void shouldSendNothingForADeferredMessageWithoutAConfiguredReply() {
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.SMS), T0);
    replies.pipeInput("ev-1", reply("ev-1", "<Response/>", null), T0);

    assertThat(effects.isEmpty()).isTrue();
  }

  @Test
  void shouldGiveARepeatedJoinTheSameEffectIdSoItIsPerformedOnce() {
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.VOICE), T0);
    replies.pipeInput("ev-1", reply("ev-1", "<Response/>", null), T0);
    // Read again after a restart before the commit.
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.VOICE), T0);
    replies.pipeInput("ev-1", reply("ev-1", "<Response/>", null), T0.plusSeconds(1));

    assertThat(effects.readValuesToList()).extracting(SideEffect::getEffectId)
        .containsExactly("CALL_UPDATE:ev-1", "CALL_UPDATE:ev-1");
  }

  @Test
  void shouldWriteNoKafkaRecordForRepliesAnsweredInline() {
    for (int i = 0; i < 20; i++) {
      replies.pipeInput("ev-" + i, reply("ev-" + i, "<Response/>", null), T0.plusMillis(i));
    }

    assertThat(effects.isEmpty()).isTrue();
    assertThat(driver.producedTopicNames()).as("topics written").isEmpty();
  }

  @Test
  void shouldUpdateTheCallWhenItsReplyWasReadBeforeTheTaskStarted() {
    TestRecord<String, TwimlReply> earlier = new TestRecord<>("ev-1", reply("ev-1", "<Response/>", null), T0);
    replies.pipeInput(earlier);
    readBefore.add(earlier);
    driver.close();

    driver = driver();
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.VOICE), T0.plusMillis(20));

    assertThat(effects.readValue().getEffectId()).isEqualTo("CALL_UPDATE:ev-1");
    assertThat(lookups).containsExactly(T0.plusMillis(20).minus(DeferralTopology.REPLY_HORIZON).toEpochMilli());
  }

  @Test
  void shouldReadRepliesBackOnlyOncePerTaskAndOnlyNearItsStart() {
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.VOICE), T0);
    deferrals.pipeInput("ev-2", deferral("ev-2", WebhookKind.VOICE), T0.plusSeconds(1));
    replies.pipeInput("ev-3", reply("ev-3", "<Response/>", null), T0.plusSeconds(40));
    deferrals.pipeInput("ev-4", deferral("ev-4", WebhookKind.VOICE), T0.plusSeconds(41));
    replies.pipeInput("ev-4", reply("ev-4", "<Response/>", null), T0.plusSeconds(42));
    replies.pipeInput("ev-2", reply("ev-2", "<Response/>", null), T0.plusSeconds(43));

    assertThat(lookups).hasSize(1);
    assertThat(effects.readValuesToList()).extracting(SideEffect::getEffectId)
        .containsExactly("CALL_UPDATE:ev-4", "CALL_UPDATE:ev-2");
  }

  @Test
  void shouldForgetADeferralWhoseReplyNeverCameWithinTheWindow() {
    deferrals.pipeInput("ev-1", deferral("ev-1", WebhookKind.VOICE), T0);
    replies.pipeInput("ev-2", reply("ev-2", "<Response/>", null), T0.plus(DeferralTopology.WINDOW).plusSeconds(10));
    replies.pipeInput("ev-1", reply("ev-1", "<Response/>", null), T0.plus(DeferralTopology.WINDOW).plusSeconds(20));

    assertThat(effects.isEmpty()).isTrue();
    var waiting = driver.getTimestampedKeyValueStore(DeferralTopology.WAITING_STORE);
    try (var all = waiting.all()) {
      assertThat(all.hasNext()).as("deferrals still waiting").isFalse();
    }
  }

  private static CallDeferred deferral(String eventId, WebhookKind kind) {
    return CallDeferred.newBuilder().setEventId(eventId).setKind(kind).setCompanyId("acme")
        .setCallSid(kind == WebhookKind.VOICE ? "CA1" : null).setMessageSid(kind == WebhookKind.SMS ? "SM1" : null)
        .setTenantNumber("+15551230001").setFrom("+15557654321").setDeferredAt(T0).build();
  }

  private static TwimlReply reply(String eventId, String twiml, String smsBody) {
    return TwimlReply.newBuilder().setEventId(eventId).setCompanyId("acme").setTwiml(twiml).setSmsReplyBody(smsBody)
        .setProducedAt(T0).build();
  }
}
