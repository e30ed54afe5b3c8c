package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * What an orchestrator and a metrics scraper see of every process: readiness that is true only when
 * the process can do its job, and a Prometheus scrape with the path of a call in it.
 */
class ObservabilityIT {

  private static final String TOKEN = "7".repeat(32);
  private static final String ACCOUNT = "AC" + "7".repeat(32);
  private static final String NUMBER = "+15557880001";

  @Test
  void shouldReportEveryProcessReadyAndServeItsMetricsWithoutAToken() {
    SwitchboardServices services = SharedStack.services();

    assertThat(services.processUrls()).hasSize(6);
    services.processUrls().forEach((process, url) -> {
      await(process + " ready").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        HttpResponse<String> readiness = Probes.readiness(url);
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"");
      });
      assertThat(Probes.get(url + "/actuator/health/liveness").statusCode()).isEqualTo(200);
      String scrape = Probes.scrape(url);
      assertThat(scrape).as(process).contains("application=\"" + process + "\"");
      assertThat(Probes.metricNames(scrape)).as(process).anyMatch(name -> name.startsWith("kafka_"));
    });
  }

  @Test
  void shouldCountWebhookLatencyByOutcomeAndBindKafkaAndStreamsMetrics() throws Exception {
    SwitchboardServices services = SharedStack.services();
    LocalStack stack = SharedStack.stack();
    stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
    seedCompany(stack);

    assertThat(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(ACCOUNT, "CA" + "7".repeat(32), "+15557654321", NUMBER), TOKEN).statusCode()).isEqualTo(200);
    assertThat(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(ACCOUNT, "CA" + "8".repeat(32), "+15557654321", NUMBER), "wrong-token").statusCode())
        .isEqualTo(403);

    for (var process : services.processUrls().entrySet()) {
      Path saved = Path.of("target", "scrapes", process.getKey() + ".prom");
      Files.createDirectories(saved.getParent());
      Files.writeString(saved, Probes.scrape(process.getValue()));
    }
    String ingress = Probes.scrape(services.ingressUrl());
    assertThat(ingress).contains("switchboard_webhook_latency_seconds_bucket{")
        .containsPattern("switchboard_webhook_latency_seconds_count\\{[^}]*outcome=\"(inline|deferred)\"")
        .containsPattern("switchboard_webhook_latency_seconds_count\\{[^}]*outcome=\"rejected\"")
        .contains("kafka_producer_record_send_total");
    assertThat(ingress).doesNotContain(TOKEN).doesNotContain(NUMBER);
    Set<String> resolver = Probes.metricNames(Probes.scrape(services.resolverUrl()));
    assertThat(resolver).anyMatch(name -> name.startsWith("kafka_stream_"));
  }

  @Test
  void shouldTakeTheIngressOutOfReadinessWhileItsReplyConsumerRecoversFromAFailure() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl())) {
      Set<Thread> before = replyLoops();
      try (SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of())) {
        await().atMost(Duration.ofSeconds(60))
            .until(() -> Probes.readiness(services.ingressUrl()).statusCode() == 200);
        Set<Thread> mine = replyLoops();
        mine.removeAll(before);
        assertThat(mine).hasSize(1);

        mine.iterator().next().interrupt();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          HttpResponse<String> readiness = Probes.readiness(services.ingressUrl());
          assertThat(readiness.statusCode()).isEqualTo(503);
          assertThat(readiness.body()).contains("recovering from a failure outside a record");
        });
        assertThat(Probes.get(services.ingressUrl() + "/actuator/health/liveness").statusCode()).isEqualTo(200);

        // Going on from where it was: ready again, and a call gets its answer inline.
        await().atMost(Duration.ofSeconds(30))
            .until(() -> Probes.readiness(services.ingressUrl()).statusCode() == 200);
        seedCompany(stack);
        Webhooks.awaitIngressKnows(services.ingressUrl(), "observability", TOKEN);
        HttpResponse<String> answer = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(ACCOUNT, "CA" + "7".repeat(32), "+15557654321", NUMBER), TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("not available").doesNotContain("Please hold");
      }
    }
  }

  private static Set<Thread> replyLoops() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ingress-replies-C-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  private static void seedCompany(LocalStack stack) {
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
          "observability").append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
              .append("phoneNumber", NUMBER).append("callRoutingMode", "voicemail")));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(NUMBER) != null,
        Duration.ofSeconds(30));
  }
}
