package io.switchboard.bench.faults;

import io.switchboard.bench.TcpProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.switchboard.bench.Fleet;
import io.switchboard.bench.LoadClient;
import io.switchboard.bench.LossCheck;
import io.switchboard.bench.OpenLoopLoad;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.VoiceWebhooks;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * MongoDB, then the schema registry, unreachable for 30 s each (every connection reset, new ones
 * refused) while signed webhooks flow. Routing goes on from the compacted config topic while
 * MongoDB is away, a change made after it returns propagates, and the mirror resumes its change
 * stream rather than re-snapshotting; webhooks keep being acknowledged while the registry is away,
 * since every schema in use is cached. Nothing answered 2xx is lost.
 */
class DependencyOutageIT {

  private static final int RATE = 50;
  private static final Duration OUTAGE = Duration.ofSeconds(30L * FaultLoad.scale());
  private static final AtomicLong SEQUENCE = new AtomicLong(5_000_000);

  @Test
  void shouldKeepRoutingWhileMongoDbAndTheRegistryAreEachAwayForThirtySeconds() throws Exception {
    Fleet fleet = Fleet.generate(20, 40, 51);
    try (LocalStack stack = LocalStack.startWithRegistry(FaultRegistry.url())) {
      fleet.registerWith(stack.twilio());
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      URI registry = URI.create(stack.registryUrl());
      try (TcpProxy mongo = new TcpProxy(URI.create(stack.mongoUri().replace("mongodb://", "http://")).getPort());
          TcpProxy registryProxy = new TcpProxy(registry.getPort());
          SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
              "switchboard.mirror.mongo-uri", "mongodb://127.0.0.1:" + mongo.port(),
              "switchboard.admin.mongo-uri", "mongodb://127.0.0.1:" + mongo.port() + "/?serverSelectionTimeoutMS=2000",
              "switchboard.schema-registry-url", "http://127.0.0.1:" + registryProxy.port() + registry.getPath()));
          LoadClient http = new LoadClient(OpenLoopLoad.DEFAULT_MAX_IN_FLIGHT, Duration.ofSeconds(15));
          LossCheck lossCheck = new LossCheck(stack.kafkaClients())) {
        VoiceWebhooks webhooks = new VoiceWebhooks(fleet, services.publicBaseUrl() + "/api/twilio/voice", http, 51);
        FaultLoad.awaitRouting(fleet, webhooks);
        webhooks.answered().clear();
        String mirror = services.processUrls().get("config-mirror");

        // A change before the outage: the mirror has a stored change-stream position to resume from.
        // (MongoDB also stores one with no change at all, its post-batch resume token; the stand-in
        // gives none.)
        changeForwardNumber(stack, fleet, webhooks, "+16463999001");
        double snapshotsBefore = metric(mirror, "switchboard_mirror_snapshots_total");
        mongo.cut();
        CompletableFuture<HttpResponse<String>> adminAnswer = CompletableFuture.supplyAsync(() ->
            getCompany(services, fleet.companyId(1)));
        OpenLoopLoad.Result withoutMongo = OpenLoopLoad.run(RATE, OUTAGE, Duration.ofSeconds(20),
            (i, t) -> webhooks.call(SEQUENCE.incrementAndGet()));
        mongo.restore();
        // The company API says the store is away, and that nothing changed, rather than failing with a 500.
        assertThat(adminAnswer.join().statusCode()).isEqualTo(503);
        assertThat(adminAnswer.join().body()).contains("the company store is unavailable");
        // A change made once MongoDB is back reaches the ingress's answers.
        long propagatedMillis = changeForwardNumber(stack, fleet, webhooks, "+16463999002");
        double resnapshots = metric(mirror, "switchboard_mirror_snapshots_total") - snapshotsBefore;

        registryProxy.cut();
        OpenLoopLoad.Result withoutRegistry = OpenLoopLoad.run(RATE, OUTAGE, Duration.ofSeconds(20),
            (i, t) -> webhooks.call(SEQUENCE.incrementAndGet()));
        registryProxy.restore();

        LossCheck.Report loss = lossCheck.check(webhooks.answered(), Duration.ofSeconds(60));
        FaultReport.write("MongoDB and the registry away for 30 s each (" + getClass().getSimpleName() + ")",
            String.format("- MongoDB away: %,d webhooks at %d/s: %,d right inline, %,d held, %,d non-2xx, %,d"
                    + " unanswered; a change made after it returned was live in %,d ms; re-snapshots: %.0f%n"
                    + "- registry away: %,d webhooks: %,d right inline, %,d held, %,d non-2xx, %,d unanswered%n"
                    + "- acknowledged: %,d; **lost: %d**",
                withoutMongo.sent(), RATE, withoutMongo.count(Outcome.OK), withoutMongo.count(Outcome.DEFERRED),
                withoutMongo.count(Outcome.HTTP_ERROR), withoutMongo.count(Outcome.NO_ANSWER), propagatedMillis,
                resnapshots, withoutRegistry.sent(), withoutRegistry.count(Outcome.OK),
                withoutRegistry.count(Outcome.DEFERRED), withoutRegistry.count(Outcome.HTTP_ERROR),
                withoutRegistry.count(Outcome.NO_ANSWER), loss.answered(),
                loss.missingWebhook() + loss.missingCallEvents()));

        assertThat(withoutMongo.clean()).as("answers while MongoDB was away; problems: %s", webhooks.problems()).isTrue();
        assertThat(resnapshots).isZero();
        assertThat(withoutRegistry.clean()).as("answers while the registry was away; problems: %s", webhooks.problems())
            .isTrue();
        assertThat(loss.lossless()).as("missing: %s", loss.sampleMissing()).isTrue();
      }
    }
  }

  /** Changes the forward number of a company in forward mode; returns how long until calls were forwarded there. */
  private static long changeForwardNumber(LocalStack stack, Fleet fleet, VoiceWebhooks webhooks, String forwardTo) {
    int company = 2;
    assertThat(fleet.mode(company)).isEqualTo(Fleet.Mode.FORWARD);
    long changedAt = System.nanoTime();
    try (MongoClient client = MongoClients.create(stack.mongoUri())) {
      client.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").updateOne(
          Filters.eq("_id", new ObjectId(fleet.companyId(company))), Updates.set("twilioConfig.forwardNumber", forwardTo));
    }
    int number = fleet.firstNumberOf(company);
    await("calls are forwarded to " + forwardTo).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> webhooks.post(webhooks.url(), number, webhooks.callSid(SEQUENCE.incrementAndGet())).join().body()
            .contains(forwardTo));
    return (System.nanoTime() - changedAt) / 1_000_000;
  }

  private static HttpResponse<String> getCompany(SwitchboardServices services, String companyId) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(services.adminUrl()
              + "/api/companies/" + companyId + "/twilio/config"))
          .header("Authorization", "Bearer " + services.tokens().adminToken(Duration.ofMinutes(5))).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double metric(String processUrl, String name) throws Exception {
    String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(processUrl + "/actuator/prometheus"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher matcher = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
    double total = 0;
    boolean found = false;
    while (matcher.find()) {
      total += Double.parseDouble(matcher.group(2));
      found = true;
    }
    assertThat(found).as("%s in the scrape of %s", name, processUrl).isTrue();
    return total;
  }
}
