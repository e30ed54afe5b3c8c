package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.kafka.PartitionGrowth;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.events.SideEffectStatus;
import io.switchboard.schemas.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The procedure of docs/operations.md for growing a running cluster's partitions, followed on the
 * local stack: Switchboard runs on six partitions with an opted-out customer and an SMS sent; every
 * process is stopped; the topics are grown to twelve; the mirror's position and the Streams state are
 * cleared; the processes start again. Calls route, the opt-out still holds, and the SMS sent before
 * is not sent again when its request is repeated.
 */
class PartitionGrowthIT {

  private static final String ACCOUNT = "AC" + "90".repeat(16);
  private static final String TOKEN = "g".repeat(32);
  private static final String NUMBER = "+15556131000";
  private static final String OPTED_OUT = "+15557131001";
  private static final String CUSTOMER = "+15557131002";

  @Test
  void shouldKeepRoutingOptOutsAndOutcomesThroughAGrowthFromSixToTwelvePartitions() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl())) {
      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
            "growing").append("companyName", "Growing Bakery").append("twilioConfig", new Document("accountSid",
                ACCOUNT).append("authToken", TOKEN).append("phoneNumber", NUMBER).append("callRoutingMode", "forward")
                .append("forwardNumber", "+15559876543")));
      }
      LongSupplier sent = () -> stack.twilio().received().stream().filter(r -> "POST".equals(r.method())
          && r.template() != null && r.template().endsWith("/Messages.json")
          && r.form().getOrDefault("To", List.of("")).get(0).equals(CUSTOMER)).count();

      try (SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of())) {
        awaitRouting(stack, services);
        SmsOptOutIT.text(services, ACCOUNT, TOKEN, OPTED_OUT, NUMBER, "STOP");
        TopicTables.awaitTable(stack.kafkaClients(), Topics.SMS_OPT_OUTS,
            t -> t.containsKey("growing:" + OPTED_OUT), Duration.ofSeconds(30));
        assertThat(SmsOptOutIT.sms(services, "growing", CUSTOMER, "before-growth").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.getAsLong() == 1);
        TopicTables.awaitTable(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES, t -> t.values().stream()
            .anyMatch(o -> o.getStatus() == SideEffectStatus.APPLIED), Duration.ofSeconds(30));
      }

      // Every process stopped: grow, then clear what points into the old topics.
      Properties admin = new Properties();
      admin.putAll(stack.kafkaClients().adminProperties("partition-growth-it"));
      PartitionGrowth.Report report = PartitionGrowth.grow(admin, (short) 1, 12,
          List.of("tenant-resolver-stream", "call-handler"));
      assertThat(report.from()).isEqualTo(6);
      assertThat(report.keptRecords()).containsEntry(Topics.SMS_OPT_OUTS.name(), 1);
      assertThat(report.keptRecords().get(Topics.SIDE_EFFECT_OUTCOMES.name())).isPositive();
      assertThat(report.internalTopicsDeleted()).isNotEmpty();
      try (Admin client = Admin.create(admin)) {
        assertThat(client.describeTopics(List.of(Topics.WEBHOOKS.name(), Topics.SMS_OPT_OUTS.name())).allTopicNames()
            .get().values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(12));
      }
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("switchboard_mirror_state").drop();
      }
      try (Stream<Path> state = Files.list(stack.workDir())) {
        state.filter(p -> p.getFileName().toString().startsWith("resolver-state")
            || p.getFileName().toString().startsWith("call-handler-state")).forEach(PartitionGrowthIT::delete);
      }

      try (SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of())) {
        awaitRouting(stack, services);
        // The opt-out was kept: the API still refuses to message that customer.
        assertThat(SmsOptOutIT.sms(services, "growing", OPTED_OUT, "after-growth").statusCode()).isEqualTo(422);
        // The outcome was kept: the same request again sends nothing more.
        assertThat(SmsOptOutIT.sms(services, "growing", CUSTOMER, "before-growth").statusCode()).isEqualTo(202);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(() -> sent.getAsLong() == 1);
      }
    }
  }

  private static void awaitRouting(LocalStack stack, SwitchboardServices services) throws Exception {
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.containsKey(NUMBER), Duration.ofSeconds(60));
    Webhooks.awaitIngressKnows(services.ingressUrl(), "growing", TOKEN);
    await("the company's calls route").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(ACCOUNT, "CA" + "9".repeat(32), "+15557654321", NUMBER), TOKEN).body())
            .contains("<Dial").contains("+15559876543"));
  }

  private static void delete(Path path) {
    try (Stream<Path> tree = Files.walk(path)) {
      tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
