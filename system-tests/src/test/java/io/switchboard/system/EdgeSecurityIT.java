package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.crypto.TokenDocuments;
import io.switchboard.domain.twilio.TwilioSignatures;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioSigner;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import io.switchboard.local.twilio.TwilioStandIn;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nothing unauthenticated gets past the ingress: a webhook is accepted only when a known account
 * signed it, refusals go to their own short-lived topic at a bounded rate per source, and Twilio's
 * retry cache answers only authenticated retries of the same body.
 */
class EdgeSecurityIT {

  private static final String TOKEN = "d".repeat(32);
  private static final String ACCOUNT = "AC" + "d".repeat(32);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SwitchboardServices services;
  private static String claimed;
  private static String url;

  @BeforeAll
  static void seed() {
    services = SharedStack.services();
    url = services.ingressUrl() + "/api/twilio/voice";
    claimed = "+1555808" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
          "edge-" + claimed).append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
          .append("phoneNumber", claimed).append("callRoutingMode", "voicemail")));
    }
    TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(claimed) != null,
        Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(30)).until(() -> post(call(sid(), claimed), TOKEN, null).statusCode() == 200);
  }

  @Test
  void shouldRefuseAnUnsignedWebhookForANumberNobodyClaimsAndWriteItOnlyToTheRejectionTopic() throws Exception {
    String unclaimed = "+1555707" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    String callSid = sid();

    HttpResponse<String> unsigned = post(call(callSid, unclaimed), null, null);
    HttpResponse<String> forged = post(call(callSid, unclaimed), "0".repeat(32), null);

    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(forged.statusCode()).isEqualTo(403);
    List<UnroutableWebhook> refusals = awaitRejections(callSid, 2);
    assertThat(refusals).allSatisfy(r -> assertThat(r.getReason().name()).isEqualTo("SIGNATURE_INVALID"));
    assertThat(refusals).extracting(UnroutableWebhook::getDetail).contains("no X-Twilio-Signature");
    assertThat(onWebhooks(callSid)).isEmpty();
  }

  @Test
  void shouldAcceptAWebhookForAnUnclaimedNumberSignedByTheAccountItNames() throws Exception {
    String unclaimed = "+1555606" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    String callSid = sid();

    HttpResponse<String> signed = post(call(callSid, unclaimed), TOKEN, null);

    assertThat(signed.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> !onWebhooks(callSid).isEmpty());
  }

  @Test
  void shouldGiveTheSameAnswerForAClaimedAndAnUnclaimedNumberWithoutASignature() throws Exception {
    String unclaimed = "+1555505" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));

    HttpResponse<String> forClaimed = post(call(sid(), claimed), null, null);
    HttpResponse<String> forUnclaimed = post(call(sid(), unclaimed), null, null);

    assertThat(forClaimed.statusCode()).isEqualTo(forUnclaimed.statusCode()).isEqualTo(403);
    assertThat(forClaimed.body()).isEqualTo(forUnclaimed.body());
  }

  @Test
  void shouldAnswerFromTheRetryCacheOnlyForASignedRetryOfTheSameBody() throws Exception {
    String token = "idem-" + sid();
    Map<String, List<String>> first = call(sid(), claimed);
    HttpResponse<String> original = post(first, TOKEN, token);
    assertThat(original.statusCode()).isEqualTo(200);

    HttpResponse<String> unsignedRetry = post(first, null, token);
    Map<String, List<String>> otherBody = new LinkedHashMap<>(first);
    otherBody.put("From", List.of("+15550000001"));
    HttpResponse<String> otherBodySameToken = post(otherBody, TOKEN, token);
    HttpResponse<String> genuineRetry = post(first, TOKEN, token);

    assertThat(unsignedRetry.statusCode()).isEqualTo(403);
    assertThat(unsignedRetry.body()).doesNotContain("<Response");
    assertThat(otherBodySameToken.statusCode()).isEqualTo(403);
    assertThat(genuineRetry.statusCode()).isEqualTo(200);
    assertThat(genuineRetry.body()).isEqualTo(original.body());
  }

  @Test
  void shouldRecordRefusalsOfOneSourceAtABoundedRateAndCountThemAll() throws Exception {
    String prefix = "CAf100d" + ThreadLocalRandom.current().nextInt(1_000_000);
    int sent = 160;
    for (int i = 0; i < sent; i++) {
      assertThat(post(call(prefix + i, claimed), "0".repeat(32), null).statusCode()).isEqualTo(403);
    }

    String scrape = Probes.scrape(services.ingressUrl());
    assertThat(scrape).containsPattern("switchboard_webhook_rejections_unrecorded_total\\{[^}]*} [1-9]");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      long recorded = TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS_REJECTED).stream()
          .filter(r -> r.value() != null && String.valueOf(r.value().getEvent().getCallSid()).startsWith(prefix))
          .count();
      assertThat(recorded).isPositive().isLessThan(sent);
    });
  }

  @Test
  void shouldNotLetASpoofedForwardedForEscapeThePerSourceLimit() throws Exception {
    String prefix = "CAf0ed" + ThreadLocalRandom.current().nextInt(1_000_000);
    int sent = 160;
    for (int i = 0; i < sent; i++) {
      Map<String, List<String>> form = call(prefix + i, claimed);
      String body = form.entrySet().stream()
          .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
          .collect(Collectors.joining("&"));
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("X-Forwarded-For", "203.0.113." + (i % 250))
          .header("X-Twilio-Signature", TwilioSigner.sign("0".repeat(32), url, form))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(403);
    }

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      long recorded = TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS_REJECTED).stream()
          .filter(r -> r.value() != null && String.valueOf(r.value().getEvent().getCallSid()).startsWith(prefix))
          .count();
      assertThat(recorded).as("refusals recorded of %s from one address claiming %s others", sent, 160)
          .isPositive().isLessThan(sent);
    });
  }

  @Test
  void shouldRecordWrongContentTypesAndOversizeBodiesAsRejections() throws Exception {
    String marker = "+1555404" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    HttpResponse<String> json = HTTP.send(HttpRequest.newBuilder(URI.create(url + "?probe=" + marker))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> huge = HTTP.send(HttpRequest.newBuilder(URI.create(url + "?probe=" + marker))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("To=" + "9".repeat(70_000))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(json.statusCode()).isEqualTo(415);
    assertThat(huge.statusCode()).isEqualTo(413);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS_REJECTED).stream()
            .map(r -> r.value()).filter(u -> u != null && u.getEvent().getRequestUrl().contains(marker))
            .map(UnroutableWebhook::getDetail).toList())
            .anySatisfy(d -> assertThat(d).startsWith("content type"))
            .anySatisfy(d -> assertThat(d).startsWith("body larger than")));
  }

  @Test
  void shouldAcceptAJsonWebhookSignedWithItsBodyHash() throws Exception {
    String callSid = sid();
    String body = "{\"AccountSid\":\"" + ACCOUNT + "\",\"CallSid\":\"" + callSid + "\",\"To\":\"" + claimed
        + "\",\"From\":\"+15557654321\",\"CallStatus\":\"ringing\",\"Direction\":\"inbound\"}";
    String signedUrl = url + "?bodySHA256=" + TwilioSignatures.sha256Hex(body);

    HttpResponse<String> signed = postJson(signedUrl, body, TwilioSigner.sign(TOKEN, signedUrl, Map.of()));
    HttpResponse<String> tampered = postJson(signedUrl, body.replace("+15557654321", "+15550000002"),
        TwilioSigner.sign(TOKEN, signedUrl, Map.of()));

    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    assertThat(signed.body()).contains("<Response");
    assertThat(tampered.statusCode()).isEqualTo(403);
    await().atMost(Duration.ofSeconds(20)).until(() -> !onWebhooks(callSid).isEmpty());
  }

  @Test
  void shouldAcceptTheReplacedTokenOnlyForAsLongAsTheRotationSaid() throws Exception {
    Rotating company = Rotating.create("1");
    String whisperUrl = services.ingressUrl() + "/api/twilio/whisper?companyId=" + company.id;
    Map<String, List<String>> whisper = Map.of("CallSid", List.of(sid()), "AccountSid", List.of(company.account));

    company.rotate("2".repeat(32), 10);
    HttpResponse<String> withReplaced = postForm(whisperUrl, whisper, company.oldToken);
    HttpResponse<String> withOther = postForm(whisperUrl, whisper, "3".repeat(32));

    assertThat(withReplaced.statusCode()).as(withReplaced.body()).isEqualTo(200);
    assertThat(withReplaced.body()).contains("Call from Switchboard");
    assertThat(withOther.statusCode()).isEqualTo(403);

    company.rotate("4".repeat(32), 0);
    assertThat(postForm(whisperUrl, whisper, company.oldToken).statusCode()).as("revoked at once").isEqualTo(403);
    assertThat(postForm(whisperUrl, whisper, "2".repeat(32)).statusCode()).as("revoked at once").isEqualTo(403);
    assertThat(postForm(whisperUrl, whisper, "4".repeat(32)).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldStopEveryTokenOfADeletedCompanyAtOnce() throws Exception {
    Rotating company = Rotating.create("5");
    company.rotate("6".repeat(32), 60);
    String whisperUrl = services.ingressUrl() + "/api/twilio/whisper?companyId=" + company.id;
    Map<String, List<String>> whisper = Map.of("CallSid", List.of(sid()));
    assertThat(postForm(whisperUrl, whisper, company.oldToken).statusCode()).isEqualTo(200);

    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies")
          .deleteOne(new Document("_id", new ObjectId(company.id)));
    }

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(postForm(whisperUrl, whisper, "6".repeat(32)).statusCode()).isEqualTo(403);
      assertThat(postForm(whisperUrl, whisper, company.oldToken).statusCode()).isEqualTo(403);
    });
  }

  /** A company whose token the tests rotate through the company API, as its users would. */
  private record Rotating(String id, String account, String number, String oldToken) {

    static Rotating create(String digit) throws Exception {
      String number = "+1555303" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
      Rotating company = new Rotating(new ObjectId().toHexString(), "AC" + digit.repeat(32), number, digit.repeat(32));
      try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
            new ObjectId(company.id)).append("companyName", "Rotating " + digit).append("twilioConfig",
            new Document("accountSid", company.account).append("authToken", company.oldToken)
                .append("phoneNumber", number).append("callRoutingMode", "forward")
                .append("forwardNumber", "+15559876543").append("whisperMessage", "Call from Switchboard")));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> post(Webhooks.voiceCall(company.account, sid(),
          "+15557654321", number), company.oldToken, null).statusCode() == 200);
      return company;
    }

    /** Changes the token through the company API, keeping the replaced one valid for so many minutes. */
    void rotate(String newToken, int previousValidMinutes) throws Exception {
      SharedStack.stack().twilio().register(account, newToken, TwilioStandIn.Behaviour.OK);
      String body = "{\"accountSid\":\"" + account + "\",\"authToken\":\"" + newToken + "\","
          + "\"callRoutingMode\":\"forward\",\"forwardNumber\":\"+15559876543\","
          + "\"whisperMessage\":\"Call from Switchboard\",\"previousTokenValidMinutes\":" + previousValidMinutes
          + ",\"phoneNumbers\":[{\"phoneNumber\":\"" + number + "\",\"status\":\"active\",\"isPrimary\":true}]}";
      HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(services.adminUrl()
              + "/api/companies/" + id + "/twilio/config"))
          .header("Authorization", "Bearer " + services.tokens().adminToken(Duration.ofMinutes(5)))
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> post(Webhooks.voiceCall(account, sid(), "+15557654321",
          number), newToken, null).statusCode() == 200);
    }
  }

  @Test
  void shouldRefuseACallbackForACompanyWhoseTokenDoesNotDecryptWithoutAServerError() throws Exception {
    String companyId = "undecryptable-" + sid();
    CredentialCipher foreign = CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson());
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
          companyId).append("twilioConfig", new Document("accountSid", "AC" + "4".repeat(32))
          .append("authToken", TokenDocuments.toDocument(foreign.encrypt(companyId, new Secret("4".repeat(32)))))
          .append("phoneNumber", "+1555202" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000)))
          .append("callRoutingMode", "voicemail")));
    }
    String whisperUrl = services.ingressUrl() + "/api/twilio/whisper?companyId=" + companyId;
    String deferredUrl = services.ingressUrl() + "/api/twilio/deferred-twiml?companyId=" + companyId + "&eventId=e1";
    Map<String, List<String>> form = Map.of("CallSid", List.of(sid()));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(postForm(whisperUrl, form, "4".repeat(32)).statusCode()).isEqualTo(403);
      assertThat(postForm(deferredUrl, form, "4".repeat(32)).statusCode()).isEqualTo(403);
    });
  }

  private static HttpResponse<String> postForm(String target, Map<String, List<String>> form, String token)
      throws Exception {
    String body = form.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
        .collect(Collectors.joining("&"));
    return HTTP.send(HttpRequest.newBuilder(URI.create(target))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", TwilioSigner.sign(token, target, form))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postJson(String target, String body, String signature) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(target))
        .header("Content-Type", "application/json")
        .header("X-Twilio-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<UnroutableWebhook> awaitRejections(String callSid, int count) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() ->
        TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS_REJECTED).stream()
            .map(r -> r.value()).filter(u -> u != null && callSid.equals(u.getEvent().getCallSid())).toList(),
        list -> list.size() >= count);
  }

  private static List<WebhookReceived> onWebhooks(String callSid) {
    return TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS).stream()
        .map(r -> r.value()).filter(w -> w != null && callSid.equals(w.getCallSid())).toList();
  }

  private static Map<String, List<String>> call(String callSid, String to) {
    return Webhooks.voiceCall(ACCOUNT, callSid, "+15557654321", to);
  }

  private static String sid() {
    return "CA" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "0".repeat(16);
  }

  /** Posts the form, signed with the token unless it is null, with Twilio's idempotency token if given. */
  private static HttpResponse<String> post(Map<String, List<String>> form, String authToken, String idempotencyToken)
      throws Exception {
    String body = form.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authToken != null) {
      request.header("X-Twilio-Signature", TwilioSigner.sign(authToken, url, form));
    }
    if (idempotencyToken != null) {
      request.header("I-Twilio-Idempotency-Token", idempotencyToken);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
