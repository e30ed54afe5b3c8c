package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.events.SideEffectStatus;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Tenant A's Twilio account fails with 500s and 429s while tenant B's is healthy: B's calls are
 * all answered inline and B's messages are sent while A's are still being retried; A's are retried
 * with backoff up to the limit, then recorded as failed and dead-lettered, never sent twice.
 */
class TenantIsolationIT {

  private static final int ATTEMPTS = 4;

  @Test
  void shouldKeepOneTenantsFailingTwilioAccountFromSlowingAnother() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
            "switchboard.call-handler.retry-attempts", ATTEMPTS,
            "switchboard.call-handler.retry-base-delay", "100ms",
            "switchboard.call-handler.retry-max-delay", "400ms"))) {
      Tenant a = new Tenant("tenant-a", "AC" + "a".repeat(32), "a".repeat(32), "+15557770101");
      Tenant b = new Tenant("tenant-b", "AC" + "b".repeat(32), "b".repeat(32), "+15557770201");
      stack.twilio().register(a.accountSid, a.token, TwilioStandIn.Behaviour.FLAKY);
      stack.twilio().register(b.accountSid, b.token, TwilioStandIn.Behaviour.OK);
      seed(stack, services, a, b);
      KafkaClients clients = stack.kafkaClients();

      try (KafkaProducer<String, SideEffect> producer = clients.producer(Topics.SIDE_EFFECTS, "test-requests")) {
        for (int i = 0; i < 8; i++) {
          send(producer, sms(a, "a-" + i));
        }
        for (int i = 0; i < 3; i++) {
          send(producer, sms(b, "b-" + i));
        }
      }
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(b.accountSid, String.format("CA%032d", i), "+15557654321", b.number), b.token);
        assertThat(response.body()).as("call %d of tenant B", i).doesNotContain("Please hold").contains("<Record");
      }

      Map<String, SideEffectOutcome> whenBDone = TopicTables.awaitTable(clients, Topics.SIDE_EFFECT_OUTCOMES,
          t -> countFinal(t, "b-", SideEffectStatus.APPLIED) == 3, Duration.ofSeconds(30));
      assertThat(countFinal(whenBDone, "b-", SideEffectStatus.APPLIED)).isEqualTo(3);
      assertThat(countFinal(whenBDone, "a-", SideEffectStatus.FAILED))
          .as("tenant B's messages went out while tenant A's were still being retried").isLessThan(8);

      Map<String, SideEffectOutcome> end = TopicTables.awaitTable(clients, Topics.SIDE_EFFECT_OUTCOMES,
          t -> countFinal(t, "a-", SideEffectStatus.FAILED) == 8, Duration.ofSeconds(60));
      assertThat(countFinal(end, "a-", SideEffectStatus.FAILED)).isEqualTo(8);
      assertThat(end.values()).filteredOn(o -> o.getCompanyId().equals(a.id))
          .allSatisfy(o -> assertThat(o.getAttempts()).isEqualTo(ATTEMPTS));
      long attemptsOnA = stack.twilio().received().stream()
          .filter(r -> a.accountSid.equals(r.authUser()) && isMessage(r)).count();
      assertThat(attemptsOnA).as("each of A's messages tried exactly %d times", ATTEMPTS).isEqualTo(8L * ATTEMPTS);
      long sentForB = stack.twilio().received().stream()
          .filter(r -> b.accountSid.equals(r.authUser()) && isMessage(r) && r.status() == 200).count();
      assertThat(sentForB).isEqualTo(3);
      assertThat(TopicTables.readAll(clients, Topics.SIDE_EFFECTS_DLT)).hasSize(8);
      assertThat(stack.twilio().violations()).isEmpty();
    }
  }

  /** A message sent, as opposed to the health monitor's account checks. */
  private static boolean isMessage(TwilioStandIn.Received request) {
    return "POST".equals(request.method()) && request.template() != null && request.template().endsWith("/Messages.json");
  }

  private record Tenant(String id, String accountSid, String token, String number) {}

  private static long countFinal(Map<String, SideEffectOutcome> outcomes, String prefix, SideEffectStatus status) {
    return outcomes.entrySet().stream()
        .filter(e -> e.getKey().startsWith("SEND_SMS:" + prefix) && e.getValue() != null
            && e.getValue().getStatus() == status)
        .count();
  }

  private static SideEffect sms(Tenant tenant, String eventId) {
    return SideEffect.newBuilder()
        .setEffectId("SEND_SMS:" + eventId)
        .setKind(SideEffectKind.SEND_SMS)
        .setEventId(eventId)
        .setCompanyId(tenant.id)
        .setTo("+15557654321")
        .setFrom(tenant.number)
        .setBody("Thanks for calling")
        .setRequestedAt(Instant.now())
        .build();
  }

  private static void send(KafkaProducer<String, SideEffect> producer, SideEffect effect) throws Exception {
    producer.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effect.getEffectId(), effect)).get();
  }

  private static void seed(LocalStack stack, SwitchboardServices services, Tenant... tenants) {
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      for (Tenant tenant : tenants) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(
            new Document("_id", tenant.id).append("twilioConfig", new Document("accountSid", tenant.accountSid)
                .append("authToken", tenant.token).append("phoneNumber", tenant.number)
                .append("callRoutingMode", "voicemail").append("recordingEnabled", true)));
      }
    }
    for (Tenant tenant : tenants) {
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(tenant.number) != null,
          Duration.ofSeconds(30));
    }
    for (Tenant tenant : tenants) {
      Webhooks.awaitIngressKnows(services.ingressUrl(), tenant.id, tenant.token);
    }
  }
}
