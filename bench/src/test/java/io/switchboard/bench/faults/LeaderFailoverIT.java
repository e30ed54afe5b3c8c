package io.switchboard.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.bench.Fleet;
import io.switchboard.bench.LoadClient;
import io.switchboard.bench.LossCheck;
import io.switchboard.bench.OpenLoopLoad;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.VoiceWebhooks;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.KafkaCluster;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The leader of most of {@code twilio.webhooks}'s partitions is killed (SIGKILL) in the middle of an
 * open-loop load of signed webhooks across many tenants, on a three-node cluster (replication 3,
 * {@code min.insync.replicas=2}), and started again later. Counted from the topics, not from the
 * code under test: every webhook answered 2xx is on {@code twilio.webhooks} and has its call events;
 * what could not be made durable was answered 503 (which Twilio retries), never 2xx.
 */
class LeaderFailoverIT {

  /** At least 10,000 webhooks: 250/s for 44 s. */
  private static final int RATE = 250;
  private static final Duration LOAD = Duration.ofSeconds(44L * FaultLoad.scale());

  @Test
  void shouldLoseNoAcknowledgedWebhookWhenTheBusiestLeaderIsKilledMidLoad() throws Exception {
    Fleet fleet = Fleet.generate(60, 240, 13);
    try (LocalStack stack = LocalStack.startClustered(FaultRegistry.url(), 3)) {
      fleet.registerWith(stack.twilio());
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      try (SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of());
          LoadClient http = new LoadClient(OpenLoopLoad.DEFAULT_MAX_IN_FLIGHT, Duration.ofSeconds(15));
          LossCheck lossCheck = new LossCheck(stack.kafkaClients())) {
        VoiceWebhooks webhooks = new VoiceWebhooks(fleet, services.publicBaseUrl() + "/api/twilio/voice", http, 13);
        FaultLoad.awaitRouting(fleet, webhooks);
        webhooks.answered().clear();
        webhooks.clearProblems();
        KafkaCluster cluster = stack.cluster();

        CompletableFuture<OpenLoopLoad.Result> load = CompletableFuture.supplyAsync(() ->
            OpenLoopLoad.run(RATE, LOAD, Duration.ofSeconds(30), (i, t) -> webhooks.call(i)));
        await().atMost(Duration.ofSeconds(60)).until(() -> webhooks.answered().size() >= 3_000 * FaultLoad.scale());
        int victim = cluster.busiestLeader(Topics.WEBHOOKS.name());
        int partitionsLed = (int) cluster.leaders(Topics.WEBHOOKS.name()).values().stream().filter(l -> l == victim).count();
        long killedAt = System.nanoTime();
        cluster.kill(victim);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
            !cluster.leaders(Topics.WEBHOOKS.name()).containsValue(victim)
                && !cluster.leaders(Topics.WEBHOOKS.name()).containsValue(-1));
        long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
        await().atMost(Duration.ofSeconds(60)).until(() -> webhooks.answered().size() >= 7_000 * FaultLoad.scale());
        cluster.restart(victim, Duration.ofSeconds(60));
        OpenLoopLoad.Result result = load.join();
        await().atMost(Duration.ofSeconds(60)).until(() ->
            cluster.fullyReplicated(Topics.WEBHOOKS.name()) == Topics.WEBHOOKS.policy().partitions());

        LossCheck.Report loss = lossCheck.check(webhooks.answered(), Duration.ofSeconds(60));
        FaultReport.write("Leader killed mid-load (" + getClass().getSimpleName() + ")", String.format(
            "- %,d webhooks sent at %d/s over %d s; node %d, leader of %d of %d partitions of twilio.webhooks, killed"
                + " after 30%% of the answers and restarted after 70%%%n"
                + "- partitions led elsewhere %,d ms after the kill%n"
                + "- answered: %,d right inline, %,d with the holding answer, %,d non-2xx, %,d unanswered%n"
                + "- acknowledged (2xx): %,d; on twilio.webhooks: %,d; **lost: %d** (missing webhook %d, missing call"
                + " events %d); duplicates on twilio.webhooks: %d%n"
                + "- latency p50 %.0f ms, p99 %.0f ms, max %.0f ms",
            result.sent(), RATE, LOAD.toSeconds(), victim, partitionsLed, Topics.WEBHOOKS.policy().partitions(),
            failoverMillis, result.count(Outcome.OK), result.count(Outcome.DEFERRED), result.count(Outcome.HTTP_ERROR),
            result.count(Outcome.NO_ANSWER), loss.answered(), loss.onWebhooks(),
            loss.missingWebhook() + loss.missingCallEvents(), loss.missingWebhook(), loss.missingCallEvents(),
            loss.duplicatesOnWebhooks(), result.p(50), result.p(99), result.maxMillis()));

        assertThat(result.sent()).isGreaterThanOrEqualTo(10_000L * FaultLoad.scale());
        assertThat(loss.lossless()).as("acknowledged but missing: %s", loss.sampleMissing()).isTrue();
        assertThat(result.count(Outcome.WRONG_ANSWER)).as("problems: %s", webhooks.problems()).isZero();
        assertThat(webhooks.problems()).allSatisfy(problem -> assertThat(problem).startsWith("HTTP 503"));
        assertThat(result.count(Outcome.OK) + result.count(Outcome.DEFERRED)).isEqualTo(loss.answered());
      }
    }
  }
}
