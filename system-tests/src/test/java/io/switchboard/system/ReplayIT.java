package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Calls refused because the company's Account SID was mistyped are replayed once it is fixed: they
 * now route to the company, their call events are marked as replays, and nothing is done twice on
 * Twilio.
 */
class ReplayIT {

  @Test
  void shouldRouteReplayedCallsAfterAConfigFixWithoutRepeatingSideEffects() throws Exception {
    var stack = SharedStack.stack();
    var services = SharedStack.services();
    String company = "replay-" + ThreadLocalRandom.current().nextInt(1_000_000);
    String number = "+1555707" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    String token = "p".repeat(32);
    String realSid = String.format("AC%032d", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    String typo = realSid.substring(0, 33) + (realSid.charAt(33) == '0' ? '1' : '0');
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      var companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
      companies.insertOne(new Document("_id", company).append("twilioConfig", new Document("accountSid", typo)
          .append("authToken", token).append("phoneNumber", number).append("callRoutingMode", "voicemail")
          .append("recordingEnabled", true)));
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null,
          Duration.ofSeconds(20));
      Webhooks.awaitIngressKnows(SharedStack.services().ingressUrl(), company, token);
      List<String> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String callSid = String.format("CA%032d", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
        calls.add(callSid);
        String answer = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(realSid, callSid, "+15557654321", number), token).body();
        assertThat(answer).contains("cannot be connected");
      }

      companies.updateOne(Filters.eq("_id", company), Updates.set("twilioConfig.accountSid", realSid));
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES,
          t -> t.get(number) != null && realSid.equals(t.get(number).getRoute().getAccountSid()), Duration.ofSeconds(20));

      int logBefore = TopicTables.readAll(stack.kafkaClients(), Topics.WEBHOOKS).size();
      String dryRun = Cli.runOnSharedStack("replay", "--number", number, "--dry-run");
      assertThat(dryRun).contains("3 webhooks would be replayed (dry run)")
          .contains("would route to company " + company + " (ACTIVE)");
      assertThat(TopicTables.readAll(stack.kafkaClients(), Topics.WEBHOOKS)).hasSize(logBefore);

      assertThat(Cli.runOnSharedStack("replay", "--number", number)).contains("3 webhooks replayed");

      ConfluentAvroReader analytics = new ConfluentAvroReader(stack.bootstrapServers(), stack.registryUrl());
      List<GenericRecord> routed = analytics.readUntil(Topics.CALL_EVENTS.name(),
          r -> calls.contains(String.valueOf(r.get("callSid"))) && r.get("type").toString().equals("CALL_ROUTED"), 3,
          Duration.ofSeconds(20));
      assertThat(routed).hasSize(3).allSatisfy(event -> {
        assertThat(event.get("companyId").toString()).isEqualTo(company);
        assertThat(event.get("replay")).isEqualTo(true);
      });
      await("no side effect repeated by the replay").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
          .until(() -> stack.twilio().received().stream().noneMatch(r -> realSid.equals(r.authUser())
              && r.template() != null
              && (r.template().endsWith("/Calls/{Sid}.json") || r.template().endsWith("/Messages.json"))));
      assertThat(Cli.runOnSharedStack("replay", "--number", number, "--dry-run")).as("replays are not replayed again")
          .contains("3 webhooks would be replayed");
    }
  }
}
