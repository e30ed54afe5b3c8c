package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.cli.SwitchboardCli;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioStandIn;
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
import org.junit.jupiter.api.Test;

/**
 * The seed platform's five problems as docs/troubleshooting.md diagnoses them: each situation made
 * on the real stack, and the one command the document gives shows the cause in the words the
 * document quotes.
 */
class TroubleshootingIT {

  private final SwitchboardServices services = SharedStack.services();
  private final String suffix = String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));

  @Test
  void shouldShowEachProblemsCauseWithTheDocumentedCommand() throws Exception {
    var stack = SharedStack.stack();
    String unclaimed = "+1555111" + suffix;
    String shared = "+1555222" + suffix;
    String agentless = "+1555333" + suffix;
    String rejected = "ts-rejected-" + suffix;
    String suspended = "ts-suspended-" + suffix;
    stack.twilio().register("AC" + "1".repeat(28) + suffix, "r".repeat(32), TwilioStandIn.Behaviour.UNAUTHORIZED);
    stack.twilio().register("AC" + "2".repeat(28) + suffix, "s".repeat(32), TwilioStandIn.Behaviour.SUSPENDED);
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      var companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
      companies.insertOne(company(rejected, "AC" + "1".repeat(28) + suffix, "r".repeat(32), shared, "voicemail"));
      companies.insertOne(company(suspended, "AC" + "2".repeat(28) + suffix, "s".repeat(32), shared, "voicemail"));
      companies.insertOne(company("ts-agentless-" + suffix, "AC" + "3".repeat(28) + suffix, "a".repeat(32), agentless,
          "ai-agent"));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(agentless) != null
        && t.get(shared) != null && !t.get(shared).getConflictingCompanyIds().isEmpty(), Duration.ofSeconds(30));

    // 1. "No company found for this phone number"
    String noCompany = cli("explain", unclaimed);
    assertThat(noCompany).contains("owner      none").contains("NO_COMPANY");
    // 2. "Twilio authentication failed" and 3. DEPENDENCY_HEALTH_CRITICAL
    String health = await().atMost(Duration.ofSeconds(30)).until(() -> cli("tenants", "health"),
        out -> out.contains(rejected) && out.contains(suspended));
    assertThat(health.lines().filter(l -> l.startsWith(rejected)).findFirst().orElseThrow())
        .contains("DOWN").contains("Twilio rejected the credentials (401)");
    assertThat(health.lines().filter(l -> l.startsWith(suspended)).findFirst().orElseThrow())
        .contains("DOWN").contains("suspended").contains("Twilio account is suspended");
    HttpResponse<String> verify = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(services.adminUrl()
            + "/api/companies/" + rejected + "/twilio/verify")).POST(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + services.tokens().adminToken(Duration.ofMinutes(5))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(verify.body()).contains("\"status\":\"DOWN\"").contains("Twilio rejected the credentials (401)");
    // 4. "Multiple companies using same phone number"
    String conflicts = cli("conflicts");
    assertThat(conflicts).contains(shared + " kept by " + rejected).contains(suspended);
    // 5. "Call routing to wrong mode"
    String wrongMode = cli("explain", agentless, "--bootstrap-servers", stack.bootstrapServers(), "--registry-url",
        stack.registryUrl());
    assertThat(wrongMode).contains("call now   voicemail")
        .contains("warning    routing mode ai-agent has no agent endpoint; calls go to voicemail");

  }

  private static Document company(String id, String accountSid, String token, String number, String mode) {
    return new Document("_id", id).append("companyName", "Company " + id).append("twilioConfig",
        new Document("accountSid", accountSid).append("authToken", token).append("phoneNumbers",
            List.of(new Document("phoneNumber", number).append("status", "active").append("isPrimary", true)))
            .append("callRoutingMode", mode));
  }

  private String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new java.util.ArrayList<>(List.of(args));
    if (!all.contains("--bootstrap-servers") && !args[0].equals("explain") && !args[0].equals("conflicts")) {
      all.addAll(List.of("--bootstrap-servers", SharedStack.stack().bootstrapServers(), "--registry-url",
          SharedStack.stack().registryUrl()));
    }
    if (args[0].equals("explain") || args[0].equals("conflicts")) {
      all.addAll(List.of("--resolver-url", services.resolverUrl(), "--token",
          services.tokens().adminToken(Duration.ofMinutes(5))));
    }
    int code = SwitchboardCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(all.toArray(String[]::new));
    assertThat(code).as("exit code of %s; stderr: %s", all, err).isZero();
    return out.toString();
  }
}
