package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.local.stack.ApicurioRegistry;
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
 * webhook is answered with its company's TwiML, all of them reach the topics, the floors complete,
 * config changes take effect, and the report is written. It asserts correctness, never speed.
 */
class BenchSmokeIT {

  @Test
  void shouldRunTheWholeBenchmarkAtALowRateAndLoseNothing(@TempDir Path dir) throws Exception {
    BenchRun.Settings settings = new BenchRun.Settings(60, 180, List.of(20), Duration.ofSeconds(3), Duration.ofSeconds(2),
        20, 0, 2, true, 7, ApicurioRegistry.defaultHome(), Map.of());
    List<String> progress = new ArrayList<>();

    BenchRun.Results results = new BenchRun(settings, progress::add).run();

    BenchRun.RateStep step = results.steps().get(0);
    assertThat(step.switchboard().sent()).isEqualTo(60);
    assertThat(step.switchboard().count(Outcome.OK)).as("right TwiML; problems: %s", results.problems()).isEqualTo(60);
    assertThat(step.trivialHttp().count(Outcome.OK)).isEqualTo(60);
    assertThat(step.kafkaThreeHops().count(Outcome.OK)).isEqualTo(60);
    assertThat(step.kafkaOneHopMicros().getTotalCount()).isEqualTo(60);

    LossCheck.Report loss = results.loss();
    assertThat(loss.answered()).isGreaterThanOrEqualTo(60 + 40);
    assertThat(loss.lossless()).as("missing: %s", loss.sampleMissing()).isTrue();
    assertThat(loss.onWebhooks()).isEqualTo(loss.answered());
    assertThat(loss.duplicatesOnWebhooks()).isZero();

    assertThat(results.propagation().timedOut()).isZero();
    assertThat(results.propagation().micros().getTotalCount()).isEqualTo(4);
    assertThat(results.stages().between(step.switchboard().startedAtMillis(), step.switchboard().endedAtMillis())
        .toTwiml().getTotalCount()).isGreaterThanOrEqualTo(55);

    Path document = dir.resolve("benchmarks.md");
    Files.writeString(document, "# Benchmarks\n\nHand-written notes.\n\n" + BenchReport.RESULTS_MARKER + "\n\nold results\n");
    BenchReport.writeInto(document, BenchReport.markdown(results, List.of(), "./switchboard bench --smoke", ZonedDateTime.now()));
    String written = Files.readString(document);
    assertThat(written).startsWith("# Benchmarks\n\nHand-written notes.").doesNotContain("old results")
        .contains("| 20 | 60 | 60 | 0 | 0 |").contains("### No loss");
  }
}
