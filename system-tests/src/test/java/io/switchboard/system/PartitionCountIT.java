package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.kafka.TopicCreator;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A new cluster may have more partitions than the default six: with twelve, calls are answered
 * inline and a deferred answer still reaches the caller (the deferral and its reply meet in one
 * partition), and the topic tool refuses to mix counts on a running cluster.
 */
class PartitionCountIT {

  private static final String ACCOUNT = "AC" + "12".repeat(16);
  private static final String TOKEN = "p".repeat(32);

  @Test
  void shouldRouteCallsAndDeferredAnswersOnTwelvePartitions() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl(), 12);
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of())) {
      Properties adminProperties = new Properties();
      adminProperties.putAll(stack.kafkaClients().adminProperties("partition-count-it"));
      try (Admin admin = Admin.create(adminProperties)) {
        Set<Integer> counts = admin.describeTopics(Topics.ALL.stream().map(Topic::name).toList()).allTopicNames()
            .get().values().stream().map(d -> d.partitions().size()).collect(Collectors.toSet());
        assertThat(counts).containsExactly(12);
      }
      assertThatThrownBy(() -> TopicCreator.createAll(adminProperties, (short) 1, 6))
          .hasMessageContaining("have 12 partitions, not 6");

      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      List<String> numbers = java.util.stream.IntStream.range(0, 24).mapToObj(i -> String.format("+1555612%04d", i))
          .toList();
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
            "twelve").append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
                .append("phoneNumbers", numbers.stream().map(n -> new Document("phoneNumber", n)
                    .append("status", "active")).toList())
                .append("callRoutingMode", "forward").append("forwardNumber", "+15559876543")));
      }
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> numbers.stream().allMatch(t::containsKey),
          Duration.ofSeconds(60));
      Webhooks.awaitIngressKnows(services.ingressUrl(), "twelve", TOKEN);

      // Numbers spread over the twelve partitions: every call answered inline with the company's TwiML.
      for (int i = 0; i < numbers.size(); i++) {
        HttpResponse<String> answer = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(ACCOUNT, String.format("CA%032d", i), "+15557654321", numbers.get(i)), TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("<Dial").contains("+15559876543");
      }
    }
    // A deferred answer: the call-handler held back past the reply budget, then the call updated.
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl(), 12);
        SwitchboardServices services = SwitchboardServices.start(stack, null,
            Map.of("switchboard.ingress.reply-budget", "1ms"))) {
      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
            "twelve").append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
                .append("phoneNumber", "+15556129999").append("callRoutingMode", "forward")
                .append("forwardNumber", "+15559876543")));
      }
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.containsKey("+15556129999"),
          Duration.ofSeconds(60));
      Webhooks.awaitIngressKnows(services.ingressUrl(), "twelve", TOKEN);
      for (int i = 0; i < 12; i++) {
        HttpResponse<String> held = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(ACCOUNT, String.format("CA%032d", 100 + i), "+15557654321", "+15556129999"), TOKEN);
        assertThat(held.statusCode()).isEqualTo(200);
      }
      await("every held call updated once").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(stack.twilio().received().stream()
              .filter(r -> r.method().equals("POST") && r.template() != null && r.template().endsWith("/Calls/{Sid}.json"))
              .map(TwilioStandIn.Received::path).distinct().count()).isEqualTo(12));
    }
  }
}
