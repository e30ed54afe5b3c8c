package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Outbound calls through the company API: placed once through the company's own client under a
 * retried request, from its primary number, with the message to say or its routing for the answer;
 * Twilio's status callbacks for the call land on calls.events with the company id; a company
 * without credentials is told so, and a request without an Idempotency-Key is refused.
 */
class OutboundCallsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldPlaceACallOnceUnderARetriedRequestAndRecordItsProgress() throws Exception {
    SwitchboardServices services = SharedStack.services();
    var stack = SharedStack.stack();
    String id = new ObjectId().toHexString();
    String accountSid = "AC" + HexFormat.of().formatHex(bytes());
    String token = HexFormat.of().formatHex(bytes());
    String number = "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999));
    stack.twilio().register(accountSid, token, TwilioStandIn.Behaviour.OK);
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
          new ObjectId(id)).append("companyName", "Outbound " + id).append("twilioConfig", new Document("accountSid",
              accountSid).append("authToken", token).append("phoneNumbers", List.of(new Document("phoneNumber", number)
                  .append("status", "active").append("isPrimary", true))).append("callRoutingMode", "voicemail")));
    }
    String companyToken = services.tokens().companyToken(id, Duration.ofMinutes(5));
    Supplier<List<TwilioStandIn.Received>> placed = () -> stack.twilio().received().stream()
        .filter(r -> accountSid.equals(r.authUser()) && "POST".equals(r.method()) && r.template() != null
            && r.template().endsWith("/Calls.json")).toList();
    String key = "call-" + id;

    try (TopicWatcher<CallEvent> events = new TopicWatcher<>(stack.kafkaClients(), Topics.CALL_EVENTS)) {
      Instant since = Instant.now();
      HttpResponse<String> first = place(services, id, companyToken, key, Map.of("to", "+1 (555) 765-4321",
          "say", "Your table is ready."));
      HttpResponse<String> retried = place(services, id, companyToken, key, Map.of("to", "+1 (555) 765-4321",
          "say", "Your table is ready."));
      assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
      assertThat(retried.statusCode()).isEqualTo(202);
      assertThat(JSON.readTree(retried.body()).path("effectId").asText())
          .isEqualTo(JSON.readTree(first.body()).path("effectId").asText());

      await().atMost(Duration.ofSeconds(30)).until(() -> placed.get().size() == 1);
      await("a retried request places no second call").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> placed.get().size() == 1);
      TwilioStandIn.Received call = placed.get().get(0);
      assertThat(call.form()).containsEntry("To", List.of("+15557654321")).containsEntry("From", List.of(number));
      assertThat(call.form().get("Twiml").get(0)).contains("<Say>Your table is ready.</Say>");
      assertThat(call.form().get("StatusCallbackEvent")).containsExactlyInAnyOrder("initiated", "ringing", "answered",
          "completed");
      assertThat(stack.twilio().violations()).isEmpty();

      // The call is on calls.events, then Twilio reports its progress to the status callback.
      CallEvent placedEvent = awaitEvent(events, since, e -> e.getType() == CallEventType.CALL_PLACED
          && id.equals(e.getCompanyId()));
      String callSid = placedEvent.getCallSid();
      assertThat(callSid).startsWith("CA");
      String statusCallback = call.form().get("StatusCallback").get(0);
      assertThat(statusCallback).startsWith(services.publicBaseUrl());
      String path = statusCallback.substring(services.publicBaseUrl().length());
      for (String status : List.of("initiated", "ringing", "in-progress")) {
        assertThat(Webhooks.post(services.ingressUrl(), path, Map.of("AccountSid", List.of(accountSid), "CallSid",
            List.of(callSid), "CallStatus", List.of(status), "From", List.of(number), "To", List.of("+15557654321"),
            "Direction", List.of("outbound-api")), token).statusCode()).isEqualTo(200);
      }
      assertThat(Webhooks.post(services.ingressUrl(), path, Map.of("AccountSid", List.of(accountSid), "CallSid",
          List.of(callSid), "CallStatus", List.of("completed"), "CallDuration", List.of("42"), "From", List.of(number),
          "To", List.of("+15557654321"), "Direction", List.of("outbound-api")), token).statusCode()).isEqualTo(200);

      CallEvent completed = awaitEvent(events, since, e -> e.getType() == CallEventType.CALL_COMPLETED
          && callSid.equals(e.getCallSid()));
      assertThat(completed.getCompanyId()).isEqualTo(id);
      assertThat(completed.getDurationSeconds()).isEqualTo(42);
      awaitEvent(events, since, e -> e.getType() == CallEventType.CALL_STATUS_CHANGED && callSid.equals(e.getCallSid())
          && "ringing".equals(e.getCallStatus()) && id.equals(e.getCompanyId()));
    }

    // Without a message: answered, the call asks the ingress for the company's routing.
    HttpResponse<String> routed = place(services, id, companyToken, key + "-routed", Map.of("to", "+15557654322"));
    assertThat(routed.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> placed.get().size() == 2);
    assertThat(placed.get().get(1).form().get("Url")).containsExactly(services.publicBaseUrl() + "/api/twilio/voice");
  }

  @Test
  void shouldRefuseACallWithoutCredentialsOrIdempotencyKey() throws Exception {
    SwitchboardServices services = SharedStack.services();
    String id = new ObjectId().toHexString();
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
          new ObjectId(id)).append("twilioConfig", new Document("phoneNumbers", List.of(new Document("phoneNumber",
              "+15550001234").append("status", "active").append("isPrimary", true)))));
    }
    String admin = services.tokens().adminToken(Duration.ofMinutes(5));

    HttpResponse<String> unconfigured = place(services, id, admin, "k1", Map.of("to", "+15557654321"));
    assertThat(unconfigured.statusCode()).isEqualTo(409);
    assertThat(unconfigured.body()).contains("Twilio not configured for this company");

    HttpResponse<String> noKey = place(services, id, admin, null, Map.of("to", "+15557654321"));
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(noKey.body()).contains("Idempotency-Key");
    HttpResponse<String> badNumber = place(services, id, admin, "k2", Map.of("to", "not a number", "from", "+15550009999"));
    assertThat(badNumber.statusCode()).isEqualTo(400);
    JsonNode errors = JSON.readTree(badNumber.body()).path("errors");
    assertThat(errors.toString()).contains("\"to\"").contains("\"from\"");
    assertThat(place(services, id, services.tokens().companyToken("someone-else", Duration.ofMinutes(5)), "k3",
        Map.of("to", "+15557654321")).statusCode()).isEqualTo(403);
  }

  private static CallEvent awaitEvent(TopicWatcher<CallEvent> events, Instant since,
      java.util.function.Predicate<CallEvent> match) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> events.all().stream().filter(s -> !s.at().isBefore(since)).map(TopicWatcher.Seen::value)
            .filter(match).findFirst(), java.util.Optional::isPresent).orElseThrow();
  }

  private static HttpResponse<String> place(SwitchboardServices services, String companyId, String token, String key,
      Map<String, String> body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(services.adminUrl() + "/api/companies/" + companyId
        + "/calls")).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token);
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] bytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
