package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.tenants.TenantHealth;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Every tenant's Twilio account checked with its own credentials against a stand-in that answers
 * per tenant with success, 401, a suspended account, 5xx and slowness; alerts once per transition;
 * the admins' endpoint with the seed's contract; and 1,000 tenants checked under the concurrency cap.
 */
class HealthMonitorIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldGiveEachTenantItsStatusAlertOncePerTransitionAndReportTheContract() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
            "switchboard.health.period", "1s", "switchboard.health.degraded-after", "300ms",
            "switchboard.health.confirmations", 2))) {
      TwilioStandIn twilio = stack.twilio();
      Map<String, TwilioStandIn.Behaviour> behaviours = Map.of("ok", TwilioStandIn.Behaviour.OK,
          "rejected", TwilioStandIn.Behaviour.UNAUTHORIZED, "suspended", TwilioStandIn.Behaviour.SUSPENDED,
          "broken", TwilioStandIn.Behaviour.SERVER_ERROR, "slow", TwilioStandIn.Behaviour.SLOW);
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        MongoCollection<Document> companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
        int i = 0;
        for (var tenant : behaviours.entrySet()) {
          String sid = String.format("AC%032d", ++i);
          twilio.register(sid, "t".repeat(32), tenant.getValue(),
              tenant.getValue() == TwilioStandIn.Behaviour.SLOW ? Duration.ofMillis(500) : Duration.ZERO);
          companies.insertOne(company(tenant.getKey(), sid, "t".repeat(32)));
        }
        companies.insertOne(company("nocreds", null, null));
      }

      Map<String, TenantHealth> health = TopicTables.awaitTable(stack.kafkaClients(), Topics.TENANT_HEALTH,
          t -> t.size() == 6, Duration.ofSeconds(30));
      assertThat(statuses(health)).isEqualTo(Map.of("ok", "HEALTHY", "rejected", "DOWN", "suspended", "DOWN",
          "broken", "DOWN", "slow", "DEGRADED", "nocreds", "NOT_CONFIGURED"));
      assertThat(health.get("rejected").getReason()).isEqualTo("Twilio rejected the credentials (401)");
      assertThat(health.get("suspended").getAccountStatus()).isEqualTo("suspended");
      assertThat(health.get("broken").getReason()).startsWith("Twilio answered 500");

      // One alert per transition, and no more over two further check periods.
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(alerts(stack)).containsExactlyInAnyOrder("rejected:DEPENDENCY_HEALTH_CRITICAL",
              "suspended:DEPENDENCY_HEALTH_CRITICAL", "broken:DEPENDENCY_HEALTH_CRITICAL"));

      twilio.register(String.format("AC%032d", indexOf(behaviours, "rejected")), "t".repeat(32),
          TwilioStandIn.Behaviour.OK);
      await().atMost(Duration.ofSeconds(20)).until(() -> alerts(stack).contains("rejected:DEPENDENCY_HEALTH_RECOVERED"));
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(alerts(stack)).filteredOn(a -> a.startsWith("rejected:"))
              .containsExactly("rejected:DEPENDENCY_HEALTH_CRITICAL", "rejected:DEPENDENCY_HEALTH_RECOVERED"));

      HttpResponse<String> report = get(services.healthUrl(), services.tokens().adminToken(Duration.ofMinutes(5)));
      assertThat(report.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(report.body());
      assertThat(body.path("status").asText()).isEqualTo("DOWN");
      assertThat(body.path("critical").asBoolean()).isTrue();
      assertThat(body.path("details").path("credentialSource").asText()).isEqualTo("company:Company broken");
      assertThat(body.path("details").path("accountStatus").isNull()).isTrue();
      assertThat(body.path("message").asText()).contains("Twilio answered 500");
      assertThat(JSON.convertValue(body.path("counts"), Map.class)).isEqualTo(Map.of("HEALTHY", 2, "DEGRADED", 1,
          "DOWN", 2, "NOT_CONFIGURED", 1));
      assertThat(body.path("tenants")).hasSize(6);
      assertThat(report.body()).doesNotContain("t".repeat(32));
      assertThat(get(services.healthUrl(), services.tokens().companyToken("ok", Duration.ofMinutes(5))).statusCode())
          .isEqualTo(403);
      assertThat(get(services.healthUrl(), null).statusCode()).isEqualTo(401);
      assertThat(twilio.violations()).isEmpty();
    }
  }

  @Test
  void shouldCheckAThousandTenantsWithinAPeriodNeverExceedingTheConcurrencyCap() throws Exception {
    int tenants = 1_000;
    int cap = 8;
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
            "switchboard.health.period", "6s", "switchboard.health.max-concurrent-checks", cap))) {
      List<Document> documents = new ArrayList<>();
      for (int i = 0; i < tenants; i++) {
        String sid = String.format("AC%032d", i);
        stack.twilio().register(sid, "k".repeat(32), TwilioStandIn.Behaviour.OK, Duration.ofMillis(5));
        documents.add(company("tenant-" + i, sid, "k".repeat(32)));
      }
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertMany(documents);
      }

      Map<String, Integer> checks = new HashMap<>();
      Map<String, List<java.time.Instant>> times = new HashMap<>();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        checks.clear();
        times.clear();
        for (ConsumerRecord<String, TenantHealth> r : TopicTables.readAll(stack.kafkaClients(), Topics.TENANT_HEALTH)) {
          checks.merge(r.key(), 1, Integer::sum);
          times.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().getCheckedAt());
        }
        return checks.size() == tenants && checks.values().stream().allMatch(n -> n >= 2);
      });
      assertThat(checks).hasSize(tenants);
      assertThat(checks.values()).as("every tenant checked again by its schedule").allMatch(n -> n >= 2);
      long longestGap = times.values().stream().flatMap(list -> {
        List<java.time.Instant> sorted = list.stream().sorted().toList();
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < sorted.size(); i++) {
          gaps.add(Duration.between(sorted.get(i - 1), sorted.get(i)).toMillis());
        }
        return gaps.stream();
      }).mapToLong(Long::longValue).max().orElse(0);
      assertThat(longestGap).as("longest time between two checks of a tenant, ms").isLessThanOrEqualTo(6_000 + 1_000);
      assertThat(stack.twilio().maxConcurrentRequests()).isBetween(1, cap);
      System.out.printf("health: %d tenants, each checked at least twice, longest gap %d ms (period 6000 ms), "
          + "at most %d checks in flight (cap %d)%n", tenants, longestGap, stack.twilio().maxConcurrentRequests(), cap);
    }
  }

  /**
   * A tenant whose Twilio takes longer to answer than the check period is never checked twice at
   * once, and its checks do not pile up in the queue: the periodic ones due meanwhile are skipped.
   */
  @Test
  void shouldNeverQueueATenantsCheckBehindOneStillRunning() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
            "switchboard.health.period", "200ms", "switchboard.health.degraded-after", "5s"))) {
      String sid = String.format("AC%032d", 77);
      stack.twilio().register(sid, "t".repeat(32), TwilioStandIn.Behaviour.SLOW, Duration.ofMillis(1_500));
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies")
            .insertOne(company("sluggish", sid, "t".repeat(32)));
      }
      java.util.function.LongSupplier checks = () -> stack.twilio().received().stream()
          .filter(r -> sid.equals(r.authUser())).count();
      await().atMost(Duration.ofSeconds(30)).until(() -> checks.getAsLong() >= 1);

      // 15 periods pass in 3 s; with one check at a time, at most 3 of 1.5 s each can start.
      long before = checks.getAsLong();
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> checks.getAsLong() - before <= 3);
      assertThat(stack.twilio().maxConcurrentRequests()).isEqualTo(1);
      String scrape = Probes.scrape(services.healthUrl());
      assertThat(scrape.lines().filter(l -> l.startsWith("switchboard_health_checks_skipped_total"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum()).isGreaterThan(5);
    }
  }

  private static int indexOf(Map<String, TwilioStandIn.Behaviour> behaviours, String name) {
    int i = 0;
    for (String key : behaviours.keySet()) {
      i++;
      if (key.equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static Map<String, String> statuses(Map<String, TenantHealth> health) {
    Map<String, String> statuses = new HashMap<>();
    health.forEach((id, h) -> statuses.put(id, h == null ? null : h.getStatus().name()));
    return statuses;
  }

  private static List<String> alerts(LocalStack stack) {
    return TopicTables.readAll(stack.kafkaClients(), Topics.ALERTS).stream()
        .map(ConsumerRecord::value).map(a -> a.getCompanyId() + ":" + a.getType()).toList();
  }

  private static HttpResponse<String> get(String base, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/admin/notifications/dependency-health"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Document company(String id, String accountSid, String token) {
    Document twilio = new Document("callRoutingMode", "voicemail");
    if (accountSid != null) {
      twilio.append("accountSid", accountSid).append("authToken", token);
    }
    return new Document("_id", id).append("companyName", "Company " + id).append("twilioConfig", twilio);
  }


}
