package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.switchboard.cli.SwitchboardCli;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A company forwarding calls during its business hours and sending them to voicemail after: a call
 * just before closing (company time) is forwarded, one just after goes to voicemail, each call event
 * says which rule applied, and {@code explain} shows the schedule and what a call now gets. The
 * daylight-saving boundaries are covered with fixed clocks in BusinessHoursRuleTest.
 */
class BusinessHoursIT {

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  @Test
  void shouldForwardDuringHoursAndSendToVoicemailAfterAndSayWhy() throws Exception {
    SwitchboardServices services = SharedStack.services();
    var stack = SharedStack.stack();
    String company = "hours-" + ThreadLocalRandom.current().nextInt(1_000_000);
    String account = String.format("AC%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    String token = "h".repeat(32);
    String number = "+1555909" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    // Hours end two minutes from now, company time (a zone where that is still today).
    ZoneId zone = ZoneId.of("America/New_York");
    if (LocalTime.now(zone).isAfter(LocalTime.of(23, 50)) || LocalTime.now(zone).isBefore(LocalTime.of(0, 10))) {
      zone = ZoneId.of("Asia/Tokyo");
    }
    String closesSoon = LocalTime.now(zone).plusMinutes(2).format(HH_MM);
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      var companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
      companies.insertOne(new Document("_id", company).append("twilioConfig", new Document("accountSid", account)
          .append("authToken", token).append("phoneNumber", number).append("callRoutingMode", "forward")
          .append("forwardNumber", "+16465550100").append("recordingEnabled", true)
          .append("businessHours", hours(zone, closesSoon))));
      awaitRouted(services, stack, company, number);

      try (TopicWatcher<CallEvent> events = new TopicWatcher<>(stack.kafkaClients(), Topics.CALL_EVENTS)) {
        String open = call(services, account, token, number);
        assertThat(open).contains("<Dial").contains("+16465550100");
        CallEvent routedOpen = routed(events, company);
        assertThat(routedOpen.getRoutingMode()).isEqualTo(RoutingMode.FORWARD);
        assertThat(routedOpen.getRoutingRule()).startsWith("open: ").contains("00:00-" + closesSoon)
            .endsWith(zone.getId());

        // Closed a minute ago: the after-hours mode.
        String closed = LocalTime.now(zone).minusMinutes(1).format(HH_MM);
        companies.updateOne(Filters.eq("_id", company), Updates.set("twilioConfig.businessHours", hours(zone, closed)));
        String after = await("the new hours are live").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> call(services, account, token, number), body -> body.contains("<Record"));
        assertThat(after).doesNotContain("<Dial");
        CallEvent routedAfter = await().atMost(Duration.ofSeconds(30)).until(() -> routed(events, company),
            e -> e.getRoutingMode() == RoutingMode.VOICEMAIL);
        assertThat(routedAfter.getRoutingRule()).startsWith("after hours: outside ").contains("00:00-" + closed);
      }
    }

    // A record of another company that does not decode (as a dead-letter test writes) does not stop explain.
    try (var raw = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
        stack.kafkaClients().producerProperties("business-hours-it"),
        org.apache.kafka.common.serialization.Serdes.String().serializer(),
        org.apache.kafka.common.serialization.Serdes.ByteArray().serializer())) {
      raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.COMPANY_CONFIG.name(), "undecodable-" + company,
          new byte[] {0, 0, 0, 0, 42, 1, 2, 3})).get();
    }
    String explained = cli("explain", number, "--resolver-url", services.resolverUrl(), "--token",
        services.tokens().adminToken(Duration.ofMinutes(5)), "--bootstrap-servers", stack.bootstrapServers(),
        "--registry-url", stack.registryUrl());
    assertThat(explained).contains("routing    forward to +16465550100")
        .contains("after hours: voicemail").contains("(" + zone.getId() + ")")
        .contains("exception  2026-12-25 closed (Christmas)")
        .contains("call now   after hours: outside ");
  }

  /**
   * Calls received at 17:59 and 18:01 New York time on the Friday before and the Monday after the
   * spring-forward change, replayed onto twilio.webhooks as an operator's replay would: the resolver
   * and the call-handler decide by the moment each call was received, so the two sides of closing
   * time get the two modes on both sides of the change.
   */
  @Test
  void shouldDecideByWhenTheCallWasReceivedOnBothSidesOfADaylightSavingChange() throws Exception {
    SwitchboardServices services = SharedStack.services();
    var stack = SharedStack.stack();
    String company = "hours-dst-" + ThreadLocalRandom.current().nextInt(1_000_000);
    String account = String.format("AC%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    String number = "+1555919" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", company)
          .append("twilioConfig", new Document("accountSid", account).append("authToken", "d".repeat(32))
              .append("phoneNumber", number).append("callRoutingMode", "forward").append("forwardNumber", "+16465550100")
              .append("recordingEnabled", true).append("businessHours", new Document("timeZone", "America/New_York")
                  .append("weekly", List.of(new Document("days", List.of("monday", "tuesday", "wednesday", "thursday",
                      "friday")).append("open", "09:00").append("close", "18:00")))
                  .append("afterHoursMode", "voicemail"))));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null, Duration.ofSeconds(30));
    TopicTables.awaitTable(stack.kafkaClients(), Topics.COMPANY_CONFIG, t -> t.get(company) != null, Duration.ofSeconds(30));
    Map<String, String> received = new java.util.LinkedHashMap<>();
    received.put("2026-03-06T17:59", "FORWARD");
    received.put("2026-03-06T18:01", "VOICEMAIL");
    received.put("2026-03-09T17:59", "FORWARD");
    received.put("2026-03-09T18:01", "VOICEMAIL");
    Map<String, String> callSids = new java.util.LinkedHashMap<>();
    try (TopicWatcher<CallEvent> events = new TopicWatcher<>(stack.kafkaClients(), Topics.CALL_EVENTS);
        var producer = stack.kafkaClients().producer(Topics.WEBHOOKS, "business-hours-it")) {
      for (String local : received.keySet()) {
        String callSid = String.format("CA%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
        callSids.put(local, callSid);
        Instant at = java.time.LocalDateTime.parse(local).atZone(ZoneId.of("America/New_York")).toInstant();
        Map<String, List<String>> params = Webhooks.voiceCall(account, callSid, "+15557654321", number);
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.WEBHOOKS.name(), number,
            io.switchboard.schemas.events.WebhookReceived.newBuilder().setEventId(java.util.UUID.randomUUID().toString())
                .setKind(io.switchboard.schemas.common.WebhookKind.VOICE).setTenantNumber(number).setRawTenantAddress(number)
                .setCallSid(callSid).setAccountSid(account).setRequestUrl(services.publicBaseUrl() + "/api/twilio/voice")
                .setParams(params).setSignatureOutcome(io.switchboard.schemas.common.SignatureOutcome.VALID)
                .setReceivedAt(at).setReplay(true).build())).get();
      }
      for (Map.Entry<String, String> call : received.entrySet()) {
        String callSid = callSids.get(call.getKey());
        CallEvent routed = await("CALL_ROUTED for the call received " + call.getKey()).atMost(Duration.ofSeconds(30))
            .until(() -> events.all().stream().map(TopicWatcher.Seen::value)
                .filter(e -> e.getType() == CallEventType.CALL_ROUTED && callSid.equals(e.getCallSid())).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(routed.getRoutingMode().name()).as("mode at %s New York time", call.getKey()).isEqualTo(call.getValue());
        assertThat(routed.getRoutingRule()).as("rule at %s", call.getKey())
            .startsWith(call.getValue().equals("FORWARD") ? "open: " : "after hours: ").endsWith("America/New_York");
      }
    }
  }

  @Test
  void shouldTakeBusinessHoursThroughTheCompanyApiWithEachProblemNamed() throws Exception {
    SwitchboardServices services = SharedStack.services();
    String company = "hours-api-" + ThreadLocalRandom.current().nextInt(1_000_000);
    String account = String.format("AC%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", company)
          .append("twilioConfig", new Document("accountSid", account).append("authToken", "k".repeat(32))
              .append("callRoutingMode", "voicemail")));
    }
    String token = services.tokens().companyToken(company, Duration.ofMinutes(5));
    Map<String, Object> bad = Map.of("accountSid", account, "callRoutingMode", "forward", "forwardNumber", "+16465550100",
        "businessHours", Map.of("timeZone", "Mars/Olympus",
            "weekly", List.of(Map.of("days", List.of("monday", "someday"), "open", "09:00", "close", "08:00")),
            "exceptions", List.of(Map.of("date", "25/12/2026", "closed", true)),
            "afterHoursMode", "fax"));
    HttpResponse<String> refused = put(services, company, token, bad);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("businessHours.timeZone").contains("businessHours.weekly[0].days")
        .contains("businessHours.weekly[0].close").contains("businessHours.exceptions[0].date")
        .contains("businessHours.afterHoursMode");

    Map<String, Object> good = Map.of("accountSid", account, "callRoutingMode", "forward", "forwardNumber", "+16465550100",
        "businessHours", Map.of("timeZone", "America/New_York",
            "weekly", List.of(Map.of("days", List.of("Monday", "friday"), "open", "09:00", "close", "18:00")),
            "exceptions", List.of(Map.of("date", "2026-12-25", "closed", true, "note", "Christmas")),
            "afterHoursMode", "voicemail"));
    HttpResponse<String> saved = put(services, company, token, good);
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
    var config = TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.COMPANY_CONFIG,
        t -> t.get(company) != null && t.get(company).getRouting().getBusinessHours() != null, Duration.ofSeconds(30))
        .get(company);
    var hours = config.getRouting().getBusinessHours();
    assertThat(hours.getTimeZone()).isEqualTo("America/New_York");
    assertThat(hours.getWeekly()).extracting(h -> h.getDay() + " " + h.getOpen() + "-" + h.getClose())
        .containsExactly("MONDAY 09:00-18:00", "FRIDAY 09:00-18:00");
    assertThat(hours.getExceptions().get(0).getNote()).isEqualTo("Christmas");
    assertThat(hours.getAfterHoursMode()).isEqualTo(RoutingMode.VOICEMAIL);
    assertThat(config.getWarnings()).isEmpty();
  }

  private static HttpResponse<String> put(SwitchboardServices services, String company, String token, Object body)
      throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            services.adminUrl() + "/api/companies/" + company + "/twilio/config"))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsString(body)))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Document hours(ZoneId zone, String close) {
    return new Document("timeZone", zone.getId())
        .append("weekly", List.of(new Document("days", List.of("monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday")).append("open", "00:00").append("close", close)))
        .append("exceptions", List.of(new Document("date", "2026-12-25").append("closed", true).append("note", "Christmas")))
        .append("afterHoursMode", "voicemail");
  }

  private static void awaitRouted(SwitchboardServices services, io.switchboard.local.stack.LocalStack stack,
      String company, String number) {
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null, Duration.ofSeconds(30));
    Webhooks.awaitIngressKnows(services.ingressUrl(), company, "h".repeat(32));
  }

  private static String call(SwitchboardServices services, String account, String token, String number) throws Exception {
    String callSid = String.format("CA%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(account, callSid, "+15557654321", number), token);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The newest CALL_ROUTED event of the company. */
  private static CallEvent routed(TopicWatcher<CallEvent> events, String company) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> events.all().stream().map(TopicWatcher.Seen::value)
        .filter(e -> e.getType() == CallEventType.CALL_ROUTED && company.equals(e.getCompanyId()))
        .reduce((first, second) -> second), java.util.Optional::isPresent).orElseThrow();
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SwitchboardCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    assertThat(code).as("exit code; stderr: %s", err).isZero();
    return out.toString();
  }
}
