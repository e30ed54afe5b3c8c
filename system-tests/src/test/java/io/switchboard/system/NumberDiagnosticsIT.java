package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.cli.SwitchboardCli;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Operators explain a number and list contested numbers, over HTTP and from the command line. */
class NumberDiagnosticsIT {

  private final SwitchboardServices services = SharedStack.services();

  @Test
  void shouldServeTheDiagnosticsToAdminsOnly() throws Exception {
    String conflicts = services.resolverUrl() + "/api/admin/numbers/conflicts";
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(conflicts)).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> companyUser = http.send(HttpRequest.newBuilder(URI.create(conflicts))
        .header("Authorization", "Bearer " + services.tokens().companyToken("someone", Duration.ofMinutes(5)))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create(conflicts))
        .header("Authorization", "Bearer " + services.tokens().adminToken(Duration.ofMinutes(5)))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(companyUser.statusCode()).isEqualTo(403);
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(Probes.readiness(services.resolverUrl()).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldExplainOwnerFieldConflictAndLastWebhookOfANumber() throws Exception {
    String suffix = String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    String legacyWritten = "(555) 404-" + suffix;
    String e164 = "+1555404" + suffix;
    ObjectId owner = new ObjectId();
    ObjectId rival = new ObjectId();
    String token = "b".repeat(32);
    insert(new Document("_id", owner).append("twilioConfig", new Document("accountSid", "AC" + "d".repeat(32))
        .append("authToken", token).append("phoneNumber", legacyWritten).append("callRoutingMode", "voicemail")));
    TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(e164) != null,
        Duration.ofSeconds(20));
    insert(new Document("_id", rival).append("twilioConfig", new Document("accountSid", "AC" + "e".repeat(32))
        .append("phoneNumbers", List.of(new Document("phoneNumber", e164).append("status", "active")))
        .append("callRoutingMode", "forward")));
    TopicTables.awaitTable(SharedStack.stack().kafkaClients(), Topics.PHONE_ROUTES,
        t -> t.get(e164) != null && !t.get(e164).getConflictingCompanyIds().isEmpty(), Duration.ofSeconds(20));
    Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
        Webhooks.voiceCall("AC" + "d".repeat(32), "CA" + "7".repeat(32), "+15557654321", e164), token);

    String explained = awaitOutput(() -> run("explain", legacyWritten), "resolved to");

    assertThat(explained).contains(e164)
        .contains("owner      " + owner.toHexString() + " (legacy twilioConfig.phoneNumber, ACTIVE)")
        .contains("conflicts  [\"" + rival.toHexString() + "\"]")
        .contains("claim      " + rival.toHexString() + " ACTIVE in twilioConfig.phoneNumbers[]")
        .contains("last       CA" + "7".repeat(32))
        .contains("resolved to " + owner.toHexString());
    assertThat(run("conflicts")).contains(e164 + " kept by " + owner.toHexString());

    // The rival's own user may ask about the number it claims, and learns nothing of the owner but that there is one.
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> rivalView = http.send(HttpRequest.newBuilder(URI.create(services.resolverUrl()
        + "/api/admin/numbers/" + e164.replace("+", "%2B"))).header("Authorization", "Bearer "
        + services.tokens().companyToken(rival.toHexString(), Duration.ofMinutes(5))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(rivalView.statusCode()).isEqualTo(200);
    assertThat(rivalView.body()).doesNotContain(owner.toHexString()).contains("another company")
        .contains(rival.toHexString()).doesNotContain("CA" + "7".repeat(32));
    // A company with no claim on it is told nothing.
    HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(URI.create(services.resolverUrl()
        + "/api/admin/numbers/" + e164.replace("+", "%2B"))).header("Authorization", "Bearer "
        + services.tokens().companyToken("stranger", Duration.ofMinutes(5))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stranger.statusCode()).isEqualTo(404);
    assertThat(stranger.body()).doesNotContain(owner.toHexString()).doesNotContain(rival.toHexString());
  }

  @Test
  void shouldSayPlainlyThatNobodyOwnsAnUnknownNumber() {
    assertThat(run("explain", "+15550000001")).contains("owner      none").contains("NO_COMPANY");
  }

  @Test
  void shouldAnswerBadInputWithOneLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = SwitchboardCli.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()));

    int code = cli.execute("explain", "not-a-number", "--resolver-url", services.resolverUrl(), "--token", services.tokens().adminToken(Duration.ofMinutes(10)));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().trim()).isEqualTo("switchboard: resolver answered 400: not a phone number");
  }

  private String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SwitchboardCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    String[] withUrl = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--resolver-url", services.resolverUrl(), "--token", services.tokens().adminToken(Duration.ofMinutes(10)))).toArray(String[]::new);
    int code = cli.execute(withUrl);
    assertThat(code).as("exit code, stderr: %s", err).isZero();
    return out.toString();
  }

  private static String awaitOutput(java.util.function.Supplier<String> command, String expected) {
    return await().atMost(Duration.ofSeconds(20)).until(command::get, output -> output.contains(expected));
  }

  private static void insert(Document company) {
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(company);
    }
  }
}
