package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The company configuration API: JWT access per company, masked credentials, field-specific
 * validation, credentials checked with Twilio before they are stored encrypted, numbers no other
 * company holds, number management that reaches routing, and outbound SMS through the company's
 * own client.
 */
class CompanyAdminIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SwitchboardServices services;
  private static MongoClient mongo;
  private static MongoCollection<Document> companies;

  @BeforeAll
  static void start() {
    services = SharedStack.services();
    mongo = MongoClients.create(SharedStack.stack().mongoUri());
    companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  @Test
  void shouldRefuseCallersWithoutAValidTokenOrForAnotherCompany() throws Exception {
    Tenant tenant = Tenant.create();

    assertThat(call("GET", tenant.path(), null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", tenant.path(), "not.a.jwt", null).statusCode()).isEqualTo(401);
    assertThat(call("GET", tenant.path(), services.tokens().companyToken("someone-else", Duration.ofMinutes(5)), null)
        .statusCode()).isEqualTo(403);
    assertThat(call("GET", tenant.path(), services.tokens().companyToken(tenant.id, Duration.ofMinutes(5)), null)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void shouldShowTheTokenMaskedAndNeverWhole() throws Exception {
    Tenant tenant = Tenant.create();

    HttpResponse<String> response = call("GET", tenant.path(), admin(), null);

    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("authToken").asText()).isEqualTo("****" + tenant.token.substring(28));
    assertThat(response.body()).doesNotContain(tenant.token);
    assertThat(body.path("accountSid").asText()).isEqualTo(tenant.accountSid);
  }

  @Test
  void shouldNameEveryInvalidField() throws Exception {
    Tenant tenant = Tenant.create();
    Map<String, Object> bad = Map.of("accountSid", "XX123", "callRoutingMode", "forward",
        "phoneNumbers", List.of(Map.of("phoneNumber", "call me"), Map.of("phoneNumber", "+15551112222", "status", "paused")),
        "aiAgent", Map.of("websocketUrl", "http://agent"));

    HttpResponse<String> response = call("PUT", tenant.path(), admin(), bad);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("errors").findValuesAsText("field")).containsExactlyInAnyOrder(
        "accountSid", "forwardNumber", "aiAgent.websocketUrl", "phoneNumbers[0].phoneNumber", "phoneNumbers[1].status");
  }

  @Test
  void shouldStoreNothingWhenTwilioRejectsTheNewCredentials() throws Exception {
    Tenant tenant = Tenant.create();
    String rejectedSid = "AC" + "0".repeat(31) + "1";
    SharedStack.stack().twilio().register(rejectedSid, "r".repeat(32), TwilioStandIn.Behaviour.UNAUTHORIZED);
    Document before = companies.find(new Document("_id", new ObjectId(tenant.id))).first();

    HttpResponse<String> response = call("PUT", tenant.path(), admin(), tenant.config(rejectedSid, "r".repeat(32),
        tenant.number));

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body()).contains("Twilio rejected these credentials").doesNotContain("r".repeat(32));
    assertThat(companies.find(new Document("_id", new ObjectId(tenant.id))).first()).isEqualTo(before);
  }

  @Test
  void shouldStoreVerifiedCredentialsEncryptedAndRouteTheNewNumber() throws Exception {
    Tenant tenant = Tenant.create();
    String newToken = HexFormat.of().formatHex(randomBytes());
    SharedStack.stack().twilio().register(tenant.accountSid, newToken, TwilioStandIn.Behaviour.OK);
    String added = sibling(tenant.number);

    HttpResponse<String> response = call("PUT", tenant.path(), tenant.userToken(),
        tenant.config(tenant.accountSid, newToken, tenant.number, added));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).doesNotContain(newToken);
    Document stored = companies.find(new Document("_id", new ObjectId(tenant.id))).first();
    Document token = stored.get("twilioConfig", Document.class).get("authToken", Document.class);
    assertThat(token.getString("scheme")).isEqualTo("tink-aead-v1");
    assertThat(new String(token.get("ciphertext", Binary.class).getData(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(newToken);
    assertThat(stored.toJson()).doesNotContain(newToken);
    var routes = TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES,
        t -> t.get(added) != null, Duration.ofSeconds(20));
    assertThat(routes.get(added).getCompanyId()).isEqualTo(tenant.id);
    assertThat(SharedStack.stack().twilio().received()).anySatisfy(r -> {
      assertThat(r.authUser()).isEqualTo(tenant.accountSid);
      assertThat(r.template()).isEqualTo("/2010-04-01/Accounts/{Sid}.json");
    });
  }

  @Test
  void shouldRefuseANumberAnotherCompanyHoldsNamingTheNumberOnly() throws Exception {
    Tenant holder = Tenant.create();
    Tenant claimant = Tenant.create();
    SharedStack.stack().twilio().register(claimant.accountSid, claimant.token, TwilioStandIn.Behaviour.OK);

    HttpResponse<String> asUser = call("POST", claimant.path().replace("/config", "/phone-numbers"),
        claimant.userToken(), Map.of("phoneNumber", holder.number));
    HttpResponse<String> asAdmin = call("POST", claimant.path().replace("/config", "/phone-numbers"), admin(),
        Map.of("phoneNumber", holder.number));

    assertThat(asUser.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(asUser.body()).path("phoneNumber").asText()).isEqualTo(holder.number);
    assertThat(asUser.body()).doesNotContain(holder.id).doesNotContain(holder.token);
    assertThat(JSON.readTree(asAdmin.body()).path("conflictingCompanyId").asText()).isEqualTo(holder.id);
  }

  @Test
  void shouldAddDeactivateAndRemoveNumbersThroughToRouting() throws Exception {
    Tenant tenant = Tenant.create();
    String numbers = tenant.path().replace("/config", "/phone-numbers");
    String extra = sibling(tenant.number);

    assertThat(call("POST", numbers, tenant.userToken(), Map.of("phoneNumber", extra, "isPrimary", true)).statusCode())
        .isEqualTo(200);
    awaitRoute(extra, NumberStatus.ACTIVE);
    assertThat(call("PATCH", numbers + "/" + extra.replace("+", "%2B"), tenant.userToken(), Map.of("status", "inactive"))
        .statusCode()).isEqualTo(200);
    awaitRoute(extra, NumberStatus.INACTIVE);
    HttpResponse<String> removed = call("DELETE", numbers + "/" + extra.replace("+", "%2B"), tenant.userToken(), null);
    assertThat(removed.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(removed.body()).path("phoneNumbers").findValuesAsText("phoneNumber")).doesNotContain(extra);
    var routes = TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES,
        t -> t.containsKey(extra) && t.get(extra) == null, Duration.ofSeconds(20));
    assertThat(routes).containsEntry(extra, null);
  }

  @Test
  void shouldShowAndChangeACompanyWhoseNumbersAreStoredInALegacyShape() throws Exception {
    String id = new ObjectId().toHexString();
    String plain = "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999));
    companies.insertOne(new Document("_id", new ObjectId(id)).append("companyName", "Legacy " + id)
        .append("twilioConfig", new Document("accountSid", "AC" + "c".repeat(32)).append("authToken", "c".repeat(32))
            .append("phoneNumbers", List.of(plain, new Document("phoneNumber", "(555) 010-0001")
                .append("status", "disabled")))
            .append("callRoutingMode", "voicemail")));
    String path = "/api/companies/" + id + "/twilio/config";

    HttpResponse<String> shown = call("GET", path, admin(), null);
    HttpResponse<String> deactivated = call("PATCH", path.replace("/config", "/phone-numbers/") + plain.replace("+", "%2B"),
        admin(), Map.of("status", "inactive"));

    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    assertThat(JSON.readTree(shown.body()).path("phoneNumbers").findValuesAsText("phoneNumber"))
        .containsExactly(plain, "+15550100001");
    assertThat(JSON.readTree(shown.body()).path("phoneNumbers").findValuesAsText("status"))
        .containsExactly("active", "inactive");
    assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);
  }

  @Test
  void shouldHoldANumberTheCompanysOwnAccountDoesNotHoldAsPendingUntilItsOwnerClaimsIt() throws Exception {
    Tenant squatter = Tenant.create();
    String owned = "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999));
    String foreign = "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999));
    SharedStack.stack().twilio().registerOwning(squatter.accountSid, squatter.token, Set.of(squatter.number, owned));

    HttpResponse<String> put = call("PUT", squatter.path(), squatter.userToken(),
        squatter.config(squatter.accountSid, squatter.token, squatter.number, owned, foreign));

    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    JsonNode view = JSON.readTree(put.body());
    assertThat(view.path("phoneNumbers").findValuesAsText("phoneNumber")).contains(owned).doesNotContain(foreign);
    assertThat(view.path("pendingNumbers").get(0).path("phoneNumber").asText()).isEqualTo(foreign);
    assertThat(view.path("pendingNumbers").get(0).path("reason").asText())
        .contains("not a number of Twilio account " + squatter.accountSid);
    awaitRoute(owned, NumberStatus.ACTIVE);
    assertThat(TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES).stream()
        .filter(r -> foreign.equals(r.key())).toList()).as("routes of the unowned number").isEmpty();

    Tenant owner = Tenant.create();
    SharedStack.stack().twilio().registerOwning(owner.accountSid, owner.token, Set.of(owner.number, foreign));
    HttpResponse<String> claimed = call("POST", owner.path().replace("/config", "/phone-numbers"), owner.userToken(),
        Map.of("phoneNumber", foreign));
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
    awaitRoute(foreign, NumberStatus.ACTIVE);
    assertThat(TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES,
        t -> t.get(foreign) != null, Duration.ofSeconds(20)).get(foreign).getCompanyId()).isEqualTo(owner.id);
  }

  @Test
  void shouldSendAnSmsOnceThroughTheCompanysOwnClient() throws Exception {
    Tenant tenant = Tenant.create();
    SharedStack.stack().twilio().register(tenant.accountSid, tenant.token, TwilioStandIn.Behaviour.OK);
    String sms = tenant.path().replace("/twilio/config", "/sms");
    Map<String, Object> message = Map.of("to", "(555) 765-4321", "body", "Your plumber is on the way");

    HttpResponse<String> first = call("POST", sms, tenant.userToken(), message, Map.of("Idempotency-Key", "k1"));
    HttpResponse<String> retry = call("POST", sms, tenant.userToken(), message, Map.of("Idempotency-Key", "k1"));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(JSON.readTree(retry.body()).path("effectId")).isEqualTo(JSON.readTree(first.body()).path("effectId"));
    await().atMost(Duration.ofSeconds(20)).until(() -> !sent(tenant).isEmpty());
    List<TwilioStandIn.Received> sent = await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
        .until(() -> sent(tenant), list -> list.size() == 1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).form()).containsEntry("To", List.of("+15557654321"))
        .containsEntry("From", List.of(tenant.number)).containsEntry("Body", List.of("Your plumber is on the way"));
    assertThat(call("POST", sms, tenant.userToken(), Map.of("to", "nobody", "body", "")).statusCode()).isEqualTo(400);
  }

  /** Another number of the same block, different from the given one. */
  private static String sibling(String number) {
    char last = number.charAt(number.length() - 1);
    return number.substring(0, number.length() - 1) + (last == '9' ? '8' : (char) (last + 1));
  }

  private static List<TwilioStandIn.Received> sent(Tenant tenant) {
    return SharedStack.stack().twilio().received().stream()
        .filter(r -> tenant.accountSid.equals(r.authUser()) && r.template() != null
            && r.template().endsWith("/Messages.json") && r.status() == 200).toList();
  }

  private static void awaitRoute(String number, NumberStatus status) {
    var routes = TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES,
        t -> t.get(number) != null && t.get(number).getStatus() == status, Duration.ofSeconds(20));
    assertThat(routes.get(number)).isNotNull();
    assertThat(routes.get(number).getStatus()).isEqualTo(status);
  }

  private static String admin() {
    return services.tokens().adminToken(Duration.ofMinutes(5));
  }

  private static HttpResponse<String> call(String method, String path, String token, Object body) throws Exception {
    return call(method, path, token, body, Map.of());
  }

  private static HttpResponse<String> call(String method, String path, String token, Object body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(services.adminUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  /** A company written to MongoDB in the legacy shape (plaintext token), with a number of its own. */
  private record Tenant(String id, String accountSid, String token, String number) {

    static Tenant create() {
      String id = new ObjectId().toHexString();
      String number = "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999));
      Tenant tenant = new Tenant(id, "AC" + HexFormat.of().formatHex(randomBytes()), HexFormat.of().formatHex(randomBytes()),
          number);
      companies.insertOne(new Document("_id", new ObjectId(id)).append("companyName", "Admin " + id)
          .append("twilioConfig", new Document("accountSid", tenant.accountSid).append("authToken", tenant.token)
              .append("phoneNumbers", List.of(new Document("phoneNumber", number).append("status", "active")
                  .append("isPrimary", true))).append("callRoutingMode", "voicemail")));
      // Its account exists at Twilio and holds every number it is given, unless a test says otherwise.
      SharedStack.stack().twilio().register(tenant.accountSid, tenant.token, TwilioStandIn.Behaviour.OK);
      return tenant;
    }

    String path() {
      return "/api/companies/" + id + "/twilio/config";
    }

    String userToken() {
      return services.tokens().companyToken(id, Duration.ofMinutes(5));
    }

    Map<String, Object> config(String sid, String token, String... numbers) {
      return Map.of("accountSid", sid, "authToken", token, "callRoutingMode", "forward", "forwardNumber", "+15559876543",
          "recordingEnabled", true, "phoneNumbers", java.util.Arrays.stream(numbers)
              .map(n -> Map.of("phoneNumber", n, "status", "active")).toList());
    }
  }
}
