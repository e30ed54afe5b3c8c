package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard queries exists in a real scrape of the running processes, once
 * a call, a rejected webhook, an SMS and an undecodable record have gone through: a renamed metric
 * or a panel with a typo fails here, not on an operator's screen.
 */
class DashboardIT {

  static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "dashboards", "switchboard.json");
  private static final Pattern METRIC = Pattern.compile("\\b(?:switchboard|kafka|http|jvm)_[a-z0-9_]+");
  private static final String TOKEN = "6".repeat(32);
  private static final String ACCOUNT = "AC" + "6".repeat(32);
  private static final String NUMBER = "+15557660001";

  @Test
  void shouldFindEveryMetricTheDashboardQueriesInTheProcessesScrapes() throws Exception {
    Set<String> queried = queriedMetrics();
    assertThat(queried).hasSizeGreaterThan(10);
    SwitchboardServices services = SharedStack.services();
    LocalStack stack = SharedStack.stack();

    driveEveryPath(stack, services);

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Set<String> scraped = new HashSet<>();
      services.processUrls().values().forEach(url -> scraped.addAll(Probes.metricNames(Probes.scrape(url))));
      Set<String> missing = new TreeSet<>(queried);
      missing.removeAll(scraped);
      assertThat(missing).as("queried by the dashboard but in no scrape").isEmpty();
    });
  }

  static Set<String> queriedMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher m = METRIC.matcher(target.path("expr").asText());
        while (m.find()) {
          names.add(m.group());
        }
      }
    }
    return names;
  }

  /** A call, a rejected webhook, an SMS and an undecodable record: every path the dashboard shows. */
  static void driveEveryPath(LocalStack stack, SwitchboardServices services) throws Exception {
    stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").replaceOne(
          new Document("_id", "dashboard"),
          new Document("_id", "dashboard").append("companyName", "Dashboard Co").append("twilioConfig",
              new Document("accountSid", ACCOUNT).append("authToken", TOKEN).append("callRoutingMode", "voicemail")
                  .append("phoneNumbers", List.of(new Document("phoneNumber", NUMBER).append("status", "active")
                      .append("isPrimary", true)))),
          new com.mongodb.client.model.ReplaceOptions().upsert(true));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(NUMBER) != null,
        Duration.ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      assertThat(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
          Webhooks.voiceCall(ACCOUNT, String.format("CA6%031d", i), "+15557654321", NUMBER), TOKEN).statusCode())
          .isEqualTo(200);
    }
    assertThat(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(ACCOUNT, "CA6" + "9".repeat(31), "+15557654321", NUMBER), "not-the-token").statusCode())
        .isEqualTo(403);
    HttpResponse<String> sms = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(services.adminUrl() + "/api/companies/dashboard/sms"))
        .header("Authorization", "Bearer " + services.tokens().adminToken(Duration.ofMinutes(5)))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "dashboard-" + System.nanoTime())
        .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+15557654321\",\"body\":\"Dashboard check\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(sms.statusCode()).as(sms.body()).isEqualTo(202);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.kafkaClients().producerProperties(
        "dashboard-it"), Serdes.String().serializer(), Serdes.ByteArray().serializer())) {
      producer.send(new ProducerRecord<>(Topics.WEBHOOKS_RESOLVED.name(), "dashboard-poison",
          new byte[] {0, 0, 0, 0, 42, 1, 2, 3})).get();
    }
  }
}
