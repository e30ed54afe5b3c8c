package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * An outside analytics consumer, knowing only the brokers and the registry URL, rebuilds each
 * company's call count and talk time from {@code calls.events} for generated traffic (three
 * companies' calls, each completed with its own duration), and gets exactly what was sent.
 */
class AnalyticsConsumerIT {

  @Test
  void shouldLetAnOutsideConsumerRebuildPerCompanyCallsAndDurations() throws Exception {
    var stack = SharedStack.stack();
    var services = SharedStack.services();
    Random random = new Random(20261125);
    String run = Long.toString(System.nanoTime() % 1_000_000);
    Map<String, String> numbers = new LinkedHashMap<>();
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      var companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
      for (int c = 0; c < 3; c++) {
        String id = "analytics-" + run + "-" + c;
        String number = "+1555606" + String.format("%03d", c) + (System.nanoTime() % 10);
        numbers.put(id, number);
        companies.insertOne(new Document("_id", id).append("twilioConfig", new Document("accountSid",
            String.format("AC%032d", c + 1)).append("authToken", "a" + c + "x".repeat(30)).append("phoneNumber", number)
            .append("callRoutingMode", "voicemail").append("recordingEnabled", true)));
      }
    }
    for (String number : numbers.values()) {
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null,
          Duration.ofSeconds(20));
    }
    numbers.keySet().forEach(id -> Webhooks.awaitIngressKnows(services.ingressUrl(), id,
        "a" + id.substring(id.length() - 1) + "x".repeat(30)));

    Map<String, Integer> sentCalls = new HashMap<>();
    Map<String, Integer> sentSeconds = new HashMap<>();
    Set<String> callSids = new HashSet<>();
    int c = 0;
    for (var company : numbers.entrySet()) {
      String token = "a" + c + "x".repeat(30);
      String accountSid = String.format("AC%032d", ++c);
      int calls = 5 + random.nextInt(10);
      for (int i = 0; i < calls; i++) {
        byte[] sid = new byte[16];
        random.nextBytes(sid);
        String callSid = "CA" + java.util.HexFormat.of().formatHex(sid);
        callSids.add(callSid);
        Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(accountSid, callSid, "+1555" + (2_000_000 + random.nextInt(7_000_000)), company.getValue()),
            token);
        int seconds = 10 + random.nextInt(600);
        var status = new LinkedHashMap<>(Webhooks.voiceCall(accountSid, callSid, "+15557654321", company.getValue()));
        status.put("CallStatus", List.of("completed"));
        status.put("CallDuration", List.of(Integer.toString(seconds)));
        Webhooks.post(services.ingressUrl(), "/api/twilio/call-status", status, token);
        sentCalls.merge(company.getKey(), 1, Integer::sum);
        sentSeconds.merge(company.getKey(), seconds, Integer::sum);
      }
    }
    int expectedEvents = sentCalls.values().stream().mapToInt(Integer::intValue).sum() * 2;

    ConfluentAvroReader analytics = new ConfluentAvroReader(stack.bootstrapServers(), stack.registryUrl());
    List<GenericRecord> events = analytics.readUntil(Topics.CALL_EVENTS.name(),
        r -> callSids.contains(String.valueOf(r.get("callSid")))
            && List.of("CALL_ROUTED", "CALL_COMPLETED").contains(r.get("type").toString()),
        expectedEvents, Duration.ofSeconds(30));

    Map<String, Integer> calls = new HashMap<>();
    Map<String, Integer> seconds = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (GenericRecord event : events) {
      if (!seen.add(event.get("eventId") + ":" + event.get("type"))) {
        continue;
      }
      String companyId = event.get("companyId").toString();
      if (event.get("type").toString().equals("CALL_ROUTED")) {
        calls.merge(companyId, 1, Integer::sum);
      } else {
        seconds.merge(companyId, (Integer) event.get("durationSeconds"), Integer::sum);
      }
    }
    assertThat(calls).isEqualTo(sentCalls);
    assertThat(seconds).isEqualTo(sentSeconds);
  }
}
