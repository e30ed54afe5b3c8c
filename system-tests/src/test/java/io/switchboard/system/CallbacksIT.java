package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmlunit.assertj3.XmlAssert;

/**
 * The callbacks Switchboard's TwiML asks for come back signed, attributed by the company and event
 * in their URL, and become the company's call archive; a forwarded call nobody answers goes to
 * voicemail; Twilio's retry of a webhook gets the first answer and is processed once.
 */
class CallbacksIT {

  private static final String TOKEN = "c".repeat(32);
  private static final String ACCOUNT = "AC" + "c".repeat(32);
  private static SwitchboardServices services;
  private static ConfluentAvroReader analytics;
  private static String number;
  private static final String COMPANY = "callbacks-" + ThreadLocalRandom.current().nextInt(1_000_000);

  @BeforeAll
  static void seed() {
    services = SharedStack.services();
    var stack = SharedStack.stack();
    analytics = new ConfluentAvroReader(stack.bootstrapServers(), stack.registryUrl());
    number = "+1555808" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", COMPANY)
          .append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
              .append("phoneNumber", number).append("callRoutingMode", "forward").append("forwardNumber", "+15559876543")
              .append("recordingEnabled", true).append("voicemailGreeting", "Leave a message for Callbacks Inc")));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null, Duration.ofSeconds(30));
    Webhooks.awaitIngressKnows(services.ingressUrl(), COMPANY, TOKEN);
  }

  @Test
  void shouldSendAnUnansweredForwardToTheCompanysVoicemail() throws Exception {
    String callSid = callSid();
    String eventId = UuidOf.first(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(ACCOUNT, callSid, "+15557654321", number), TOKEN).body());

    HttpResponse<String> response = Webhooks.post(services.ingressUrl(),
        "/api/twilio/dial-action?companyId=" + COMPANY + "&eventId=" + eventId,
        form("CallSid", callSid, "AccountSid", ACCOUNT, "To", number, "From", "+15557654321",
            "DialCallStatus", "no-answer"), TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    XmlAssert.assertThat(response.body()).and("""
        <Response><Say>Leave a message for Callbacks Inc</Say><Record maxLength="120" playBeep="true"/></Response>""")
        .ignoreWhitespace()
        .withAttributeFilter(a -> !a.getName().equals("recordingStatusCallback"))
        .areIdentical();
    XmlAssert.assertThat(response.body()).valueByXPath("/Response/Record/@recordingStatusCallback").asString()
        .isEqualTo(services.publicBaseUrl() + "/api/twilio/recording?companyId=" + COMPANY + "&eventId=" + eventId);
  }

  @Test
  void shouldArchiveTheCompletedCallAndItsRecording() throws Exception {
    String callSid = callSid();
    String eventId = UuidOf.first(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(ACCOUNT, callSid, "+15557654321", number), TOKEN).body());
    String context = "?companyId=" + COMPANY + "&eventId=" + eventId;

    HttpResponse<String> recording = Webhooks.post(services.ingressUrl(), "/api/twilio/recording" + context,
        form("CallSid", callSid, "AccountSid", ACCOUNT, "RecordingSid", "RE" + "1".repeat(32), "RecordingStatus",
            "completed", "RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/RE1",
            "RecordingDuration", "33"), TOKEN);
    HttpResponse<String> status = Webhooks.post(services.ingressUrl(), "/api/twilio/call-status",
        form("CallSid", callSid, "AccountSid", ACCOUNT, "To", number, "From", "+15557654321", "CallStatus",
            "completed", "CallDuration", "95", "Direction", "inbound"), TOKEN);

    assertThat(recording.statusCode()).isEqualTo(200);
    assertThat(status.statusCode()).isEqualTo(200);
    List<GenericRecord> events = analytics.readUntil(Topics.CALL_EVENTS.name(),
        r -> callSid.equals(String.valueOf(r.get("callSid")))
            && List.of("RECORDING_AVAILABLE", "CALL_COMPLETED").contains(r.get("type").toString()), 2,
        Duration.ofSeconds(20));
    Map<String, GenericRecord> byType = new LinkedHashMap<>();
    events.forEach(e -> byType.put(e.get("type").toString(), e));
    assertThat(byType).containsOnlyKeys("RECORDING_AVAILABLE", "CALL_COMPLETED");
    assertThat(byType.get("RECORDING_AVAILABLE").get("durationSeconds")).isEqualTo(33);
    assertThat(byType.get("RECORDING_AVAILABLE").get("companyId").toString()).isEqualTo(COMPANY);
    assertThat(byType.get("RECORDING_AVAILABLE").get("eventId").toString()).isNotEqualTo(eventId);
    assertThat(byType.get("CALL_COMPLETED").get("durationSeconds")).isEqualTo(95);
  }

  @Test
  void shouldRefuseACallbackSignedForAnotherCompany() throws Exception {
    HttpResponse<String> response = Webhooks.post(services.ingressUrl(),
        "/api/twilio/recording?companyId=" + COMPANY + "&eventId=x",
        form("CallSid", callSid(), "AccountSid", ACCOUNT, "RecordingStatus", "completed"), "d".repeat(32));

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void shouldAnswerTwiliosRetryOfAWebhookOnceWithTheFirstAnswer() throws Exception {
    String callSid = callSid();
    Map<String, String> retryToken = Map.of("I-Twilio-Idempotency-Token", "retry-" + callSid);
    var form = Webhooks.voiceCall(ACCOUNT, callSid, "+15557654321", number);

    HttpResponse<String> first = Webhooks.post(services.ingressUrl(), "/api/twilio/voice", form, TOKEN, retryToken);
    HttpResponse<String> retry = Webhooks.post(services.ingressUrl(), "/api/twilio/voice", form, TOKEN, retryToken);

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(first.body());
    List<WebhookReceived> published = await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
        .until(() -> TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS).stream()
            .map(r -> r.value()).filter(v -> callSid.equals(v.getCallSid())).toList(), list -> list.size() == 1);
    assertThat(published).hasSize(1);
  }

  private static Map<String, List<String>> form(String... pairs) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      form.put(pairs[i], List.of(pairs[i + 1]));
    }
    return form;
  }

  private static String callSid() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "CA" + HexFormat.of().formatHex(bytes);
  }

  /** The event id a forward TwiML carries in its callback URLs. */
  private static final class UuidOf {
    static String first(String twiml) {
      var matcher = java.util.regex.Pattern.compile("eventId=([0-9a-f-]{36})").matcher(twiml);
      assertThat(matcher.find()).as("event id in %s", twiml).isTrue();
      return matcher.group(1);
    }
  }
}
