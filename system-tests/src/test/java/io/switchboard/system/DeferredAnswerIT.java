package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Around the reply budget, every call gets exactly one answer that takes effect: the TwiML inline,
 * or the holding answer followed by exactly one call update through the company's own client,
 * checked against Twilio's OpenAPI description. Replaying the same webhooks changes nothing.
 */
class DeferredAnswerIT {

  private static final String TOKEN = "5".repeat(32);
  private static final String ACCOUNT = "AC" + "5".repeat(32);
  private static final String NUMBER = "+15557770001";
  private static final int CALLS = 30;

  /** 1ms: every answer misses the budget; 40ms: about the handler's own latency, so both paths occur. */
  @ParameterizedTest
  @ValueSource(strings = {"1ms", "40ms"})
  void shouldLetExactlyOneAnswerTakeEffectForEveryCallAndRepeatNoUpdateOnReplay(String budget) throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null,
            Map.of("switchboard.ingress.reply-budget", budget))) {
      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      seedCompany(stack, services);

      Map<String, Boolean> inlineByCall = new LinkedHashMap<>();
      for (int i = 0; i < CALLS; i++) {
        String callSid = String.format("CA%032d", i);
        HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(ACCOUNT, callSid, "+15557654321", NUMBER), TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        inlineByCall.put(callSid, !response.body().contains("Please hold"));
      }
      long deferred = inlineByCall.values().stream().filter(inline -> !inline).count();
      awaitUpdates(stack.twilio(), deferred);
      // And no further update over two more seconds.
      Map<String, Long> updates = await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20))
          .until(() -> updatesByCall(stack.twilio()), u -> u.values().stream().mapToLong(Long::longValue).sum()
              == deferred);
      for (var call : inlineByCall.entrySet()) {
        long applied = updates.getOrDefault(call.getKey(), 0L);
        assertThat(applied).as("updates of %s, answered %s", call.getKey(), call.getValue() ? "inline" : "on hold")
            .isEqualTo(call.getValue() ? 0 : 1);
      }
      assertThat(stack.twilio().violations()).isEmpty();
      assertThat(stack.twilio().received()).allSatisfy(r -> assertThat(r.authUser()).isEqualTo(ACCOUNT));
      System.out.printf("reply budget %s: %d of %d calls answered inline, %d deferred and updated once%n", budget,
          CALLS - deferred, CALLS, deferred);

      replayWebhooks(stack);
      await("no update repeated after replaying every webhook").during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(20)).until(() -> updatesByCall(stack.twilio()).equals(updates));
      if (deferred > 0) {
        long requests = TopicTables.readAll(stack.kafkaClients(), Topics.SIDE_EFFECTS).size();
        // A deferral leaves the join once its reply came: the replayed replies ask for nothing.
        assertThat(requests).as("call updates asked for, replay included").isEqualTo(deferred);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void shouldHandTwilioALongDeferredAnswerByUrl() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null,
            Map.of("switchboard.ingress.reply-budget", "1ms"))) {
      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      String greeting = "Thank you for calling. ".repeat(200);
      seedCompany(stack, services, greeting);
      String callSid = "CA" + "4".repeat(32);

      HttpResponse<String> held = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
          Webhooks.voiceCall(ACCOUNT, callSid, "+15557654321", NUMBER), TOKEN);
      assertThat(held.body()).contains("Please hold");
      awaitUpdates(stack.twilio(), 1);

      TwilioStandIn.Received update = stack.twilio().received().stream()
          .filter(r -> r.path().endsWith("/Calls/" + callSid + ".json")).findFirst().orElseThrow();
      assertThat(update.form()).containsKey("Url").doesNotContainKey("Twiml");
      String url = update.form().get("Url").get(0);
      assertThat(url).startsWith(services.publicBaseUrl() + "/api/twilio/deferred-twiml?companyId=deferred&eventId=");
      HttpResponse<String> fetched = Webhooks.post(url, "", Map.of("CallSid", List.of(callSid)), TOKEN);
      assertThat(fetched.statusCode()).isEqualTo(200);
      assertThat(fetched.body()).contains(greeting.trim()).contains("<Record");
      assertThat(Webhooks.post(url, "", Map.of("CallSid", List.of(callSid)), "f".repeat(32)).statusCode())
          .isEqualTo(403);
      assertThat(stack.twilio().violations()).isEmpty();
    }
  }

  private static void seedCompany(LocalStack stack, SwitchboardServices services) {
    seedCompany(stack, services, null);
  }

  private static void seedCompany(LocalStack stack, SwitchboardServices services, String greeting) {
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", "deferred")
          .append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
              .append("phoneNumber", NUMBER).append("callRoutingMode", "voicemail").append("recordingEnabled", true)
              .append("voicemailGreeting", greeting)));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(NUMBER) != null,
        Duration.ofSeconds(30));
    Webhooks.awaitIngressKnows(services.ingressUrl(), "deferred", TOKEN);
  }

  /** Re-publishes every webhook on the log, as an operator's replay does, and waits until each is answered again. */
  private static void replayWebhooks(LocalStack stack) throws Exception {
    List<ConsumerRecord<String, WebhookReceived>> log = TopicTables.readAll(stack.kafkaClients(), Topics.WEBHOOKS);
    Set<String> eventIds = new HashSet<>();
    try (TopicWatcher<TwimlReply> replies = new TopicWatcher<>(stack.kafkaClients(), Topics.REPLIES);
        KafkaProducer<String, WebhookReceived> producer = stack.kafkaClients().producer(Topics.WEBHOOKS, "replay")) {
      Instant since = Instant.now();
      for (ConsumerRecord<String, WebhookReceived> record : log) {
        eventIds.add(record.value().getEventId());
        producer.send(new ProducerRecord<>(Topics.WEBHOOKS.name(), record.key(), record.value())).get();
      }
      for (String eventId : eventIds) {
        assertThat(replies.await(eventId, r -> true, since, Duration.ofSeconds(30))).as("replayed %s", eventId)
            .isPresent();
      }
    }
  }

  private static void awaitUpdates(TwilioStandIn twilio, long expected) {
    await().atMost(Duration.ofSeconds(30))
        .until(() -> updatesByCall(twilio).values().stream().mapToLong(Long::longValue).sum() >= expected);
  }

  private static Map<String, Long> updatesByCall(TwilioStandIn twilio) {
    Map<String, Long> updates = new LinkedHashMap<>();
    for (TwilioStandIn.Received request : new ArrayList<>(twilio.received())) {
      if ("POST".equals(request.method()) && request.template() != null
          && request.template().endsWith("/Calls/{Sid}.json") && request.status() == 200) {
        String callSid = request.path().substring(request.path().lastIndexOf('/') + 1).replace(".json", "");
        assertThat(request.form().containsKey("Twiml") != request.form().containsKey("Url"))
            .as("a call update carries its TwiML inline or by URL: %s", request.form()).isTrue();
        updates.merge(callSid, 1L, Long::sum);
      }
    }
    return updates;
  }

}
