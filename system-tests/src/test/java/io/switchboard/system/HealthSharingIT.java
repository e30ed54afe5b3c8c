package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Two health monitors share the tenants: each of 1,000 tenants is checked once per period (not once
 * per instance), both instances do part of the work, and each transition raises one alert
 * cluster-wide, also when an instance restarts and its tenants move to the other.
 */
class HealthSharingIT {

  private static final int TENANTS = 1_000;
  private static final Duration PERIOD = Duration.ofSeconds(5);

  @Test
  void shouldCheckEachTenantOncePerPeriodAndAlertOncePerTransitionWithTwoMonitors() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
            "switchboard.health.period", PERIOD.toSeconds() + "s", "switchboard.health.confirmations", 1,
            "switchboard.health.max-concurrent-checks", 16),
            Set.of("ingress-gateway", "tenant-resolver-stream", "call-handler", "company-admin"), 2)) {
      TwilioStandIn twilio = stack.twilio();
      List<Document> companies = new ArrayList<>();
      for (int i = 0; i < TENANTS; i++) {
        String sid = String.format("AC%032d", i);
        twilio.register(sid, "s".repeat(32), TwilioStandIn.Behaviour.OK);
        companies.add(new Document("_id", "shared-" + i).append("twilioConfig", new Document("accountSid", sid)
            .append("authToken", "s".repeat(32)).append("callRoutingMode", "voicemail")));
      }
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertMany(companies);
      }
      assertThat(services.urls("health-monitor")).hasSize(2);
      // Every tenant checked, then a window of three periods with nothing starting or stopping.
      TopicTables.awaitTable(stack.kafkaClients(), Topics.TENANT_HEALTH, t -> t.size() == TENANTS,
          Duration.ofSeconds(90));
      Instant from = Instant.now().plus(PERIOD);
      Instant to = from.plus(PERIOD.multipliedBy(3));
      await().atMost(PERIOD.multipliedBy(6)).until(() -> Instant.now().isAfter(to.plusSeconds(1)));
      Map<String, Long> checks = twilio.received().stream()
          .filter(r -> r.method().equals("GET") && r.template() != null && r.template().endsWith("/Accounts/{Sid}.json"))
          .filter(r -> !r.at().isBefore(from) && r.at().isBefore(to))
          .collect(Collectors.groupingBy(TwilioStandIn.Received::authUser, Collectors.counting()));
      assertThat(checks).hasSize(TENANTS);
      // Three periods: three checks each, four where a schedule's phase meets the window's edges; six
      // would mean both instances check the tenant.
      assertThat(checks.values()).allSatisfy(count -> assertThat(count).isBetween(2L, 4L));
      long total = checks.values().stream().mapToLong(Long::longValue).sum();
      List<Double> perInstance = new ArrayList<>();
      for (String url : services.urls("health-monitor")) {
        perInstance.add(Probes.metric(Probes.scrape(url), "switchboard_health_check_latency_seconds_count"));
      }
      assertThat(perInstance).allSatisfy(count -> assertThat(count).isGreaterThan(TENANTS / 10.0));

      // Twenty accounts go down: one CRITICAL each, cluster-wide.
      for (int i = 0; i < 20; i++) {
        twilio.register(String.format("AC%032d", i), "s".repeat(32), TwilioStandIn.Behaviour.UNAUTHORIZED);
      }
      Function<List<String>, Map<String, Long>> byAlert = alerts -> alerts.stream()
          .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
      await().atMost(PERIOD.multipliedBy(4)).until(() -> alerts(stack).size() == 20);
      // The first instance restarts: its tenants move to the other and back, which starts from the
      // health last published for them instead of alerting again.
      services.restart("health-monitor", 0);
      await().during(PERIOD.multipliedBy(3)).atMost(PERIOD.multipliedBy(6)).untilAsserted(() -> {
        Map<String, Long> counted = byAlert.apply(alerts(stack));
        assertThat(counted).hasSize(20).allSatisfy((alert, count) -> assertThat(count).as(alert).isEqualTo(1L));
      });
      System.out.printf("Health sharing: %d tenants, %d checks in three periods of %s, per instance %s%n",
          TENANTS, total, PERIOD, perInstance);
    }
  }

  private static List<String> alerts(LocalStack stack) {
    return TopicTables.readAll(stack.kafkaClients(), Topics.ALERTS).stream()
        .map(ConsumerRecord::value).map(a -> a.getCompanyId() + ":" + a.getType()).toList();
  }
}
