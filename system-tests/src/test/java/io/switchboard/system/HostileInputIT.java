package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioSigner;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed, forged, oversized and odd webhooks each get a specific 4xx or a safe TwiML answer and
 * a record of why; poison records on the topics stop no consumer.
 */
class HostileInputIT {

  private static final String TOKEN = "e".repeat(32);
  private static final String ACCOUNT = "AC" + "e".repeat(32);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SwitchboardServices services;
  private static String number;

  @BeforeAll
  static void seed() {
    services = SharedStack.services();
    number = "+1555909" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
          "hostile-" + number).append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
          .append("phoneNumber", number).append("callRoutingMode", "voicemail").append("recordingEnabled", true)));
    }
    TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null,
        Duration.ofSeconds(30));
    Webhooks.awaitIngressKnows(services.ingressUrl(), "hostile-" + number, TOKEN);
  }

  @Test
  void shouldAnswerMissingFieldsWithASpecific400AndARecord() throws Exception {
    String callSid = "CA" + "0".repeat(31) + "9";
    var noTo = form("CallSid", callSid, "From", "+15557654321", "AccountSid", ACCOUNT);
    var noCallSid = form("To", number, "From", "+15557654321", "AccountSid", ACCOUNT);

    HttpResponse<String> missingTo = Webhooks.post(services.ingressUrl(), "/api/twilio/voice", noTo, TOKEN);
    HttpResponse<String> missingSid = Webhooks.post(services.ingressUrl(), "/api/twilio/voice", noCallSid, TOKEN);

    assertThat(missingTo.statusCode()).isEqualTo(400);
    assertThat(missingTo.body()).isEqualTo("Missing required field To");
    assertThat(missingSid.statusCode()).isEqualTo(400);
    assertThat(missingSid.body()).isEqualTo("Missing required field CallSid");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(TopicTables.readAll(
        SharedStack.stack().kafkaClients(), Topics.WEBHOOKS_REJECTED).stream().map(r -> r.value())
        .filter(u -> u != null && callSid.equals(u.getEvent().getCallSid())).toList())
        .extracting(u -> u.getReason().name() + ": " + u.getDetail())
        .containsExactly("MALFORMED: missing field To"));
  }

  @Test
  void shouldAnswerSignedWebhooksForDestinationsThatAreNotPhoneNumbersWithNotConfigured() throws Exception {
    for (String to : List.of("client:alice", "sip:alice@example.sip.twilio.com", "not a number", "☎️ +1 555")) {
      var call = form("CallSid", sid(), "To", to, "From", "+15557654321", "AccountSid", ACCOUNT);
      HttpResponse<String> signed = Webhooks.post(services.ingressUrl(), "/api/twilio/voice", call, TOKEN);
      HttpResponse<String> unsigned = Webhooks.post(services.ingressUrl(), "/api/twilio/voice", call, null);
      assertThat(signed.statusCode()).as(to).isEqualTo(200);
      assertThat(signed.body()).as(to).contains("this number is not configured");
      assertThat(unsigned.statusCode()).as(to).isEqualTo(403);
    }
  }

  @Test
  void shouldRefuseForgedMissingAndReplayedSignatures() throws Exception {
    var call = form("CallSid", sid(), "To", number, "From", "+15557654321", "AccountSid", ACCOUNT);
    String url = services.ingressUrl() + "/api/twilio/voice";
    String genuine = TwilioSigner.sign(TOKEN, url, call);
    var otherBody = new LinkedHashMap<>(call);
    otherBody.put("From", List.of("+15550000000"));

    assertThat(post(url, encode(call), "application/x-www-form-urlencoded", null).statusCode()).isEqualTo(403);
    assertThat(post(url, encode(call), "application/x-www-form-urlencoded", "forged").statusCode()).isEqualTo(403);
    HttpResponse<String> replayedOnOtherBody = post(url, encode(otherBody), "application/x-www-form-urlencoded", genuine);
    assertThat(replayedOnOtherBody.statusCode()).isEqualTo(403);
    assertThat(replayedOnOtherBody.body()).isEqualTo("Forbidden");
    var audit = await().atMost(Duration.ofSeconds(20)).until(() -> TopicTables.readAll(
        SharedStack.stack().kafkaClients(), Topics.WEBHOOKS_REJECTED).stream().map(r -> r.value())
        .filter(u -> u != null && call.get("CallSid").get(0).equals(u.getEvent().getCallSid())).toList(),
        list -> list.size() >= 3);
    assertThat(audit).hasSize(3).allSatisfy(record -> {
      assertThat(record.getReason().name()).isEqualTo("SIGNATURE_INVALID");
      assertThat(record.getCompanyIds()).containsExactly("hostile-" + number);
      assertThat(record.getEvent().getTenantNumber()).isEqualTo(number);
    });
    assertThat(post(url, encode(call), "application/x-www-form-urlencoded", genuine).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAcceptUnicodeAndRepeatedFieldsWhenSigned() throws Exception {
    var call = new LinkedHashMap<String, List<String>>();
    call.put("CallSid", List.of(sid()));
    call.put("To", List.of(number));
    call.put("From", List.of("+15557654321"));
    call.put("AccountSid", List.of(ACCOUNT));
    call.put("CallerName", List.of("Zoë 😀 Ünïcödé"));
    call.put("Digits", List.of("2", "1", "2"));

    HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice", call, TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("<Record");
  }

  @Test
  void shouldRefuseOversizeBodiesOtherContentTypesAndMethods() throws Exception {
    String url = services.ingressUrl() + "/api/twilio/voice";
    String huge = "Body=" + "x".repeat(70 * 1024);

    HttpResponse<String> tooBig = post(url, huge, "application/x-www-form-urlencoded", "sig");
    HttpResponse<String> json = post(url, "{\"To\":\"" + number + "\"}", "application/json", "sig");
    HttpResponse<String> xml = post(url, "<To>" + number + "</To>", "application/xml", "sig");
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(json.statusCode()).as("JSON is read, and this one has no CallSid").isEqualTo(400);
    assertThat(xml.statusCode()).isEqualTo(415);
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void shouldAnswerABodyThatIsNotAFormWith400() throws Exception {
    HttpResponse<String> response = post(services.ingressUrl() + "/api/twilio/voice", "To=%zz&CallSid=%%%",
        "application/x-www-form-urlencoded", "sig");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("Malformed form body");
  }

  @Test
  void shouldKeepEveryConsumerRunningAfterPoisonRecords() throws Exception {
    var clients = SharedStack.stack().kafkaClients();
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(clients.producerProperties("poison"),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.WEBHOOKS.name(), number, "not avro".getBytes())).get();
      raw.send(new ProducerRecord<>(Topics.WEBHOOKS_RESOLVED.name(), "CApoison", new byte[] {0, 0, 0, 0, 1, 2})).get();
      raw.send(new ProducerRecord<>(Topics.COMPANY_CONFIG.name(), "poison-company", "{}".getBytes())).get();
    }

    HttpResponse<String> after = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        form("CallSid", sid(), "To", number, "From", "+15557654321", "AccountSid", ACCOUNT), TOKEN);

    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).contains("<Record");
    var deadLetters = TopicTables.readAll(clients, Topics.WEBHOOKS_RESOLVED_DLT);
    assertThat(deadLetters).anySatisfy(record -> {
      assertThat(record.key()).isEqualTo("CApoison");
      assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_TOPIC))
          .isEqualTo(Topics.WEBHOOKS_RESOLVED.name());
      assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON)).isNotBlank();
    });
  }

  private static HttpResponse<String> post(String url, String body, String contentType, String signature)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Twilio-Signature", signature);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(Map<String, List<String>> form) {
    StringBuilder body = new StringBuilder();
    form.forEach((k, values) -> values.forEach(v -> body.append(body.isEmpty() ? "" : "&")
        .append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8)).append('=')
        .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8))));
    return body.toString();
  }

  private static Map<String, List<String>> form(String... pairs) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      form.put(pairs[i], List.of(pairs[i + 1]));
    }
    return form;
  }

  private static String sid() {
    return String.format("CA%032d", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
  }

}
