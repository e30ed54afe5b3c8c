package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.bench.BenchRun.Design;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.local.stack.ApicurioRegistry;
import io.switchboard.schemas.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness, end to end at a low rate for a few seconds, so that it cannot rot: every
 * webhook to each of the three designs (Switchboard, the seed design, the composed floor) is
 * answered right, the MongoDB stall step runs, CPU and Kafka records are accounted, all of
 * Switchboard's webhooks reach the topics, config changes take effect, and the report is written.
 * It asserts correctness, never speed.
 */
class BenchSmokeIT {

  @Test
  void shouldRunTheWholeBenchmarkAtALowRateAndLoseNothing(@TempDir Path dir) throws Exception {
    BenchRun.Settings settings = new BenchRun.Settings(60, 180, List.of(20), Duration.ofSeconds(3), Duration.ofSeconds(2),
        20, Duration.ofSeconds(1), 0, 1, Duration.ofSeconds(2), 20, 2, true, 600, 7, ApicurioRegistry.defaultHome(),
        Map.of());
    List<String> progress = new ArrayList<>();

    BenchRun.Results results = new BenchRun(settings, progress::add).run();

    assertThat(results.steps()).extracting(BenchRun.Step::design).containsExactly(Design.values());
    for (BenchRun.Step step : results.steps()) {
      assertThat(step.result().sent()).isEqualTo(60);
      assertThat(step.result().count(Outcome.OK)).as("%s right; problems: %s", step.design(), results.problems())
          .isEqualTo(60);
      assertThat(step.cpuMillisPerWebhook()).as("%s CPU", step.design()).isPositive();
    }
    BenchRun.Step switchboard = results.step(Design.SWITCHBOARD, 20);
    assertThat(switchboard.kafka().records()).containsKeys(Topics.WEBHOOKS.name(), Topics.WEBHOOKS_RESOLVED.name(),
        Topics.REPLIES.name(), Topics.CALL_EVENTS.name());
    assertThat(switchboard.kafka().records().get(Topics.WEBHOOKS.name())).isGreaterThanOrEqualTo(60);
    assertThat(switchboard.cpu().nanosByPart()).containsKeys("ingress-gateway", "tenant-resolver-stream",
        "call-handler", CpuAccounting.BROKER);
    assertThat(results.step(Design.SEED, 20).kafka().records()).doesNotContainKey(Topics.WEBHOOKS.name());
    assertThat(results.step(Design.SEED, 20).cpu().nanosByPart()).containsKey("seed design");
    assertThat(results.step(Design.FLOOR, 20).kafka().records().keySet())
        .contains("bench.floor-hop-1", "bench.floor-hop-2", "bench.floor-hop-3");

    assertThat(results.stalls()).extracting(BenchRun.StallStep::design).containsExactly(Design.values());
    for (BenchRun.StallStep stall : results.stalls()) {
      assertThat(stall.result().count(Outcome.OK)).as("%s during the stall; problems: %s", stall.design(),
          results.problems()).isEqualTo(stall.result().sent());
      assertThat(stall.duringMicros().getTotalCount()).as("%s calls due during the stall", stall.design())
          .isEqualTo(40);
    }

    FleetScale.Report scale = results.scale();
    assertThat(scale.largeNumbers()).isEqualTo(600);
    assertThat(scale.small().count(Outcome.OK)).as("right before growing").isEqualTo(scale.small().sent());
    assertThat(scale.large().count(Outcome.OK)).as("right after growing").isEqualTo(scale.large().sent());
    assertThat(scale.stateBytes()).isPositive();
    assertThat(scale.restoreAnswering()).isGreaterThanOrEqualTo(scale.restoreReady());

    LossCheck.Report loss = results.loss();
    assertThat(loss.answered()).isGreaterThanOrEqualTo(60 + 40);
    assertThat(loss.lossless()).as("missing: %s", loss.sampleMissing()).isTrue();
    assertThat(loss.onWebhooks()).isEqualTo(loss.answered());
    assertThat(loss.duplicatesOnWebhooks()).isZero();

    assertThat(results.propagation().timedOut()).isZero();
    assertThat(results.propagation().micros().getTotalCount()).isEqualTo(4);
    assertThat(results.stages().between(switchboard.result().startedAtMillis(), switchboard.result().endedAtMillis())
        .toTwiml().getTotalCount()).isGreaterThanOrEqualTo(55);

    Path document = dir.resolve("benchmarks.md");
    Files.writeString(document, "# Benchmarks\n\nHand-written notes.\n\n" + BenchReport.RESULTS_MARKER + "\n\nold results\n");
    BenchReport.writeInto(document, BenchReport.markdown(results, List.of(), "./switchboard bench --smoke", ZonedDateTime.now()));
    String written = Files.readString(document);
    assertThat(written).startsWith("# Benchmarks\n\nHand-written notes.").doesNotContain("old results")
        .contains("| 20 | Switchboard | 60 | 60 | 0 |").contains("| 20 | Seed design | 60 | 60 | 0 |")
        .contains("| 20 | Composed floor | 60 | 60 | 0 |").contains("### MongoDB stops answering").contains("### 600 numbers")
        .contains("### No loss");
  }
}
