package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmlunit.assertj3.XmlAssert;

/**
 * One call along the whole path on the real local stack: a company written to MongoDB in the
 * v2companies shape, mirrored, turned into phone routes, and a signed voice webhook answered with
 * the TwiML of its routing mode; and the call events an outside consumer decodes.
 */
class WalkingSkeletonIT {

  private static LocalStack stack;
  private static SwitchboardServices services;
  private static ConfluentAvroReader analytics;

  @BeforeAll
  static void startStack() {
    stack = SharedStack.stack();
    services = SharedStack.services();
    analytics = new ConfluentAvroReader(stack.bootstrapServers(), stack.registryUrl());
  }

  @Test
  void shouldAnswerWithTheForwardTwimlOfTheCompanyThatOwnsTheCalledNumber() throws Exception {
    Company company = Company.create("forward");
    company.insert();
    awaitRoutes(company.primary(), company.legacyE164());

    String callSid = callSid();
    HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(company.accountSid, callSid, "+15557654321", company.primary()), company.authToken);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("xml"));
    XmlAssert.assertThat(response.body())
        .and("""
            <Response>
              <Dial record="record-from-answer-dual" timeout="20"><Number>+15559876543</Number></Dial>
            </Response>""")
        .ignoreWhitespace()
        .withAttributeFilter(attribute -> !Set.of("url", "action", "recordingStatusCallback")
            .contains(attribute.getName()))
        .areIdentical();
    XmlAssert.assertThat(response.body()).valueByXPath("/Response/Dial/@action").asString()
        .startsWith(services.publicBaseUrl() + "/api/twilio/dial-action?companyId=" + company.id + "&eventId=");
    XmlAssert.assertThat(response.body()).valueByXPath("/Response/Dial/Number/@url").asString()
        .startsWith(services.publicBaseUrl() + "/api/twilio/whisper?companyId=" + company.id + "&eventId=");

    List<GenericRecord> events = analytics.readUntil(Topics.CALL_EVENTS.name(),
        record -> callSid.equals(String.valueOf(record.get("callSid"))), 2, Duration.ofSeconds(20));
    Map<String, GenericRecord> byType = events.stream()
        .collect(Collectors.toMap(e -> e.get("type").toString(), e -> e, (a, b) -> a));
    assertThat(byType.keySet()).isEqualTo(Set.of("CALL_ROUTED", "CALL_ANSWERED_INLINE"));
    GenericRecord routed = byType.get("CALL_ROUTED");
    assertThat(routed.get("companyId").toString()).isEqualTo(company.id);
    assertThat(routed.get("routingMode").toString()).isEqualTo("FORWARD");
    assertThat(routed.get("tenantNumber").toString()).isEqualTo(company.primary());
    assertThat(routed.get("from").toString()).isEqualTo("+15557654321");
    assertThat(routed.get("replay")).isEqualTo(false);
    assertThat(byType.get("CALL_ANSWERED_INLINE").get("companyId").toString()).isEqualTo(company.id);
  }

  @Test
  void shouldRouteTheLegacyNumberWrittenWithDashes() throws Exception {
    Company company = Company.create("voicemail");
    company.insert();
    awaitRoutes(company.legacyE164());

    HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(company.accountSid, callSid(), "+15557654321", company.legacyE164()), company.authToken);

    assertThat(response.statusCode()).isEqualTo(200);
    XmlAssert.assertThat(response.body()).and("""
            <Response>
              <Say>The person you are calling is not available. Please leave a message after the tone.</Say>
              <Record maxLength="120" playBeep="true"/>
            </Response>""")
        .ignoreWhitespace()
        .withAttributeFilter(attribute -> !attribute.getName().equals("recordingStatusCallback"))
        .areIdentical();
  }

  @Test
  void shouldAnswerNotConfiguredForANumberNoCompanyOwnsWhenTheNamedAccountSignedIt() throws Exception {
    Company company = Company.create("voicemail");
    company.insert();
    awaitRoutes(company.primary());
    String callSid = callSid();
    String unowned = "+1555" + (3_000_000 + ThreadLocalRandom.current().nextInt(999_999));

    HttpResponse<String> unsigned = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(company.accountSid, callSid(), "+15557654321", unowned), null);
    HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(company.accountSid, callSid, "+15557654321", unowned), company.authToken);

    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(response.statusCode()).isEqualTo(200);
    XmlAssert.assertThat(response.body()).and("""
            <Response>
              <Say>We're sorry, this number is not configured. Goodbye.</Say>
              <Hangup/>
            </Response>""")
        .ignoreWhitespace()
        .areIdentical();
    List<GenericRecord> events = analytics.readUntil(Topics.CALL_EVENTS.name(),
        record -> callSid.equals(String.valueOf(record.get("callSid")))
            && record.get("type").toString().equals("CALL_UNROUTABLE"), 1, Duration.ofSeconds(20));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("companyId")).isNull();
    assertThat(events.get(0).get("reason").toString()).startsWith("NO_COMPANY");
    assertThat(events.get(0).get("tenantNumber").toString()).isEqualTo(unowned);
  }

  @Test
  void shouldRefuseAForgedSignatureWithoutDetail() throws Exception {
    Company company = Company.create("forward");
    company.insert();
    awaitRoutes(company.primary());

    HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall(company.accountSid, callSid(), "+15557654321", company.primary()), "not-the-token");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("Forbidden");
  }

  private static String callSid() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "CA" + HexFormat.of().formatHex(bytes);
  }

  private static void awaitRoutes(String... numbers) {
    List<GenericRecord> routes = analytics.readUntil(Topics.PHONE_ROUTES.name(),
        record -> Set.of(numbers).contains(record.get("number").toString()), numbers.length, Duration.ofSeconds(30));
    assertThat(routes).as("routes for %s", List.of(numbers)).hasSize(numbers.length);
  }

  /** A company with its own made-up Twilio account and numbers no other test uses. */
  record Company(String id, String accountSid, String authToken, String block, String mode) {

    static Company create(String mode) {
      byte[] sid = new byte[16];
      byte[] token = new byte[16];
      ThreadLocalRandom.current().nextBytes(sid);
      ThreadLocalRandom.current().nextBytes(token);
      String block = String.format("%03d%03d", 200 + ThreadLocalRandom.current().nextInt(700),
          ThreadLocalRandom.current().nextInt(1000)).substring(0, 6);
      return new Company(new ObjectId().toHexString(), "AC" + HexFormat.of().formatHex(sid),
          HexFormat.of().formatHex(token), block, mode);
    }

    String primary() {
      return "+1555" + block.substring(0, 3) + "0" + block.substring(3);
    }

    String legacyE164() {
      return "+1555" + block.substring(0, 3) + "1" + block.substring(3);
    }

    void insert() {
      Document twilio = new Document("accountSid", accountSid)
          .append("authToken", authToken)
          .append("phoneNumber", "+1-555-" + block.substring(0, 3) + "-1" + block.substring(3))
          .append("phoneNumbers", List.of(new Document("phoneNumber", primary()).append("status", "active")
              .append("isPrimary", true)))
          .append("callRoutingMode", mode)
          .append("forwardNumber", "(555) 987-6543")
          .append("recordingEnabled", true)
          .append("whisperMessage", "Call routed by Switchboard.");
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies")
            .insertOne(new Document("_id", new ObjectId(id)).append("companyName", "Test " + id).append("twilioConfig", twilio));
      }
    }
  }
}
