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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The admins' company list (filters, paging, health from the monitor, never a token, refused to
 * company users) and test connection (given or stored credentials checked with Twilio as the health
 * monitor does, nothing saved), through the real stack.
 */
class CompanyDirectoryIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldListFilterAndPageCompaniesWithTheirHealthAndNeverAToken() throws Exception {
    SwitchboardServices services = SharedStack.services();
    String prefix = "Directory " + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + " ";
    Company plumbing = Company.insert(prefix + "Acme Plumbing", "voicemail", TwilioStandIn.Behaviour.OK);
    Company dental = Company.insert(prefix + "Acme Dental", "forward", TwilioStandIn.Behaviour.SUSPENDED);
    Company zeta = Company.insertWithoutCredentials(prefix + "Zeta Bakery");
    String byPrefix = "/api/companies?name=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8);

    // The health monitor checks each new company; its verdicts reach the list.
    JsonNode listed = await("every company's health is known").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).until(() -> JSON.readTree(get(services, byPrefix, admin(services)).body()),
            body -> body.path("items").size() == 3
                && items(body).stream().noneMatch(i -> i.path("health").path("status").asText().equals("UNKNOWN")));
    HttpResponse<String> response = get(services, byPrefix, admin(services));
    assertThat(response.body()).doesNotContain(plumbing.token).doesNotContain(dental.token).doesNotContain("authToken");
    assertThat(listed.path("total").asLong()).isEqualTo(3);
    assertThat(items(listed)).extracting(i -> i.path("name").asText())
        .containsExactly(prefix + "Acme Dental", prefix + "Acme Plumbing", prefix + "Zeta Bakery");
    JsonNode dentalItem = items(listed).get(0);
    assertThat(dentalItem.path("companyId").asText()).isEqualTo(dental.id);
    assertThat(dentalItem.path("twilioConfigured").asBoolean()).isTrue();
    assertThat(dentalItem.path("routingMode").asText()).isEqualTo("forward");
    assertThat(dentalItem.path("numbers").asInt()).isEqualTo(1);
    assertThat(dentalItem.path("primaryNumber").asText()).isEqualTo(dental.number);
    assertThat(dentalItem.path("health").path("status").asText()).isEqualTo("DOWN");
    assertThat(dentalItem.path("health").path("reason").asText()).contains("suspended");

    assertThat(names(services, byPrefix + "&twilioConfigured=false")).containsExactly(prefix + "Zeta Bakery");
    assertThat(names(services, byPrefix + "&twilioConfigured=true")).containsExactly(prefix + "Acme Dental",
        prefix + "Acme Plumbing");
    assertThat(names(services, byPrefix + "&routingMode=voicemail")).containsExactly(prefix + "Acme Plumbing");
    assertThat(names(services, byPrefix + "&health=healthy")).containsExactly(prefix + "Acme Plumbing");
    assertThat(names(services, byPrefix + "&health=NOT_CONFIGURED")).containsExactly(prefix + "Zeta Bakery");
    assertThat(names(services, "/api/companies?name=" + URLEncoder.encode(prefix.toUpperCase() + "acme", StandardCharsets.UTF_8)))
        .hasSize(2);
    JsonNode secondPage = JSON.readTree(get(services, byPrefix + "&size=1&page=1", admin(services)).body());
    assertThat(items(secondPage)).extracting(i -> i.path("name").asText()).containsExactly(prefix + "Acme Plumbing");
    assertThat(secondPage.path("total").asLong()).isEqualTo(3);
    JsonNode healthPage = JSON.readTree(get(services, byPrefix + "&health=DOWN&size=1&page=0", admin(services)).body());
    assertThat(healthPage.path("total").asLong()).isEqualTo(1);

    // Company users never see the list; bad parameters are named.
    assertThat(get(services, "/api/companies", services.tokens().companyToken(plumbing.id, Duration.ofMinutes(5)))
        .statusCode()).isEqualTo(403);
    assertThat(get(services, "/api/companies", null).statusCode()).isEqualTo(401);
    HttpResponse<String> bad = get(services, "/api/companies?size=0&health=SICK&routingMode=fax", admin(services));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"size\"").contains("\"health\"").contains("\"routingMode\"");
  }

  @Test
  void shouldTestGivenOrStoredCredentialsWithTwilioWithoutSavingThem() throws Exception {
    SwitchboardServices services = SharedStack.services();
    Company suspended = Company.insert("Verify suspended " + new ObjectId(), "voicemail", TwilioStandIn.Behaviour.SUSPENDED);
    Company healthy = Company.insert("Verify healthy " + new ObjectId(), "voicemail", TwilioStandIn.Behaviour.OK);
    String userToken = services.tokens().companyToken(healthy.id, Duration.ofMinutes(5));
    String storedBefore = storedConfig(services, healthy);

    JsonNode stored = JSON.readTree(post(services, "/api/companies/" + suspended.id + "/twilio/verify", admin(services),
        null).body());
    assertThat(stored.path("status").asText()).isEqualTo("DOWN");
    assertThat(stored.path("accountStatus").asText()).isEqualTo("suspended");
    assertThat(stored.path("credentials").asText()).isEqualTo("stored");

    HttpResponse<String> wrong = post(services, "/api/companies/" + healthy.id + "/twilio/verify", userToken,
        Map.of("authToken", "f".repeat(32)));
    assertThat(wrong.statusCode()).isEqualTo(200);
    JsonNode wrongBody = JSON.readTree(wrong.body());
    assertThat(wrongBody.path("status").asText()).isEqualTo("DOWN");
    assertThat(wrongBody.path("reason").asText()).isEqualTo("Twilio rejected the credentials (401)");
    assertThat(wrongBody.path("credentials").asText()).isEqualTo("given");
    assertThat(wrongBody.path("saved").asBoolean()).isFalse();
    assertThat(wrong.body()).doesNotContain("f".repeat(32)).doesNotContain(healthy.token);

    JsonNode good = JSON.readTree(post(services, "/api/companies/" + healthy.id + "/twilio/verify", userToken, null).body());
    assertThat(good.path("status").asText()).isEqualTo("HEALTHY");
    assertThat(good.path("accountStatus").asText()).isEqualTo("active");
    assertThat(storedConfig(services, healthy)).as("nothing saved").isEqualTo(storedBefore);

    assertThat(post(services, "/api/companies/" + suspended.id + "/twilio/verify", userToken, null).statusCode())
        .isEqualTo(403);
    HttpResponse<String> badSid = post(services, "/api/companies/" + healthy.id + "/twilio/verify", userToken,
        Map.of("accountSid", "not-a-sid"));
    assertThat(badSid.statusCode()).isEqualTo(400);
    assertThat(badSid.body()).contains("accountSid");
    assertThat(post(services, "/api/companies/" + new ObjectId() + "/twilio/verify", admin(services), null).statusCode())
        .isEqualTo(404);
  }

  private static String storedConfig(SwitchboardServices services, Company company) throws Exception {
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      return collection(mongo).find(new Document("_id", new ObjectId(company.id))).first().toJson();
    }
  }

  private static List<JsonNode> items(JsonNode body) {
    List<JsonNode> items = new ArrayList<>();
    body.path("items").forEach(items::add);
    return items;
  }

  private static List<String> names(SwitchboardServices services, String path) throws Exception {
    HttpResponse<String> response = get(services, path, admin(services));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return items(JSON.readTree(response.body())).stream().map(i -> i.path("name").asText()).toList();
  }

  private static String admin(SwitchboardServices services) {
    return services.tokens().adminToken(Duration.ofMinutes(5));
  }

  private static HttpResponse<String> get(SwitchboardServices services, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(services.adminUrl() + path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(SwitchboardServices services, String path, String token, Object body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(services.adminUrl() + path))
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static MongoCollection<Document> collection(MongoClient mongo) {
    return mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
  }

  private record Company(String id, String token, String number) {

    static Company insert(String name, String mode, TwilioStandIn.Behaviour behaviour) {
      String id = new ObjectId().toHexString();
      String accountSid = "AC" + HexFormat.of().formatHex(bytes());
      String token = HexFormat.of().formatHex(bytes());
      String number = "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999));
      SharedStack.stack().twilio().register(accountSid, token, behaviour);
      try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
        collection(mongo).insertOne(new Document("_id", new ObjectId(id)).append("companyName", name)
            .append("twilioConfig", new Document("accountSid", accountSid).append("authToken", token)
                .append("phoneNumbers", List.of(new Document("phoneNumber", number).append("status", "active")
                    .append("isPrimary", true))).append("callRoutingMode", mode).append("forwardNumber", "+16465550100")));
      }
      return new Company(id, token, number);
    }

    static Company insertWithoutCredentials(String name) {
      String id = new ObjectId().toHexString();
      try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
        collection(mongo).insertOne(new Document("_id", new ObjectId(id)).append("companyName", name)
            .append("twilioConfig", new Document()));
      }
      return new Company(id, null, null);
    }

    private static byte[] bytes() {
      byte[] bytes = new byte[16];
      ThreadLocalRandom.current().nextBytes(bytes);
      return bytes;
    }
  }
}
