package io.switchboard.bench;

import io.switchboard.bench.BenchRun.RateStep;
import io.switchboard.bench.BenchRun.Results;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.OpenLoopLoad.Result;
import io.switchboard.schemas.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The results of a run as Markdown tables, and their place in {@code docs/benchmarks.md}. */
public final class BenchReport {

  /** Everything after this line in the document is replaced by the latest run's results. */
  public static final String RESULTS_MARKER = "<!-- Everything below is written by ./switchboard bench. -->";

  private BenchReport() {}

  public static String markdown(Results results, List<Microbenchmarks.Score> micro, String command,
      ZonedDateTime when) {
    StringBuilder md = new StringBuilder();
    BenchRun.Settings s = results.settings();
    md.append("## Latest run: ").append(when.withZoneSameInstant(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append("\n\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Machine: ").append(Machine.describe()).append("\n");
    md.append(String.format(Locale.ROOT, "- Fleet: %,d companies, %,d numbers; each step %d s at a constant offered "
        + "rate, after a %d s warm-up at %d/s; before each step the machine settles (one webhook answered right "
        + "within 100 ms); set-up (stack, fleet, processes, routing) took %.0f s, the whole run %.0f s.%n",
        s.companies(), s.numbers(), s.step().toSeconds(), s.warmup().toSeconds(), s.warmupRate(),
        results.setup().toMillis() / 1000.0, results.total().toMillis() / 1000.0));
    md.append("- Every process, the broker, the registry, MongoDB, the Twilio stand-in and the load generator share "
        + "this machine's cores.\n\n");

    md.append("### Webhook → TwiML on the inline path\n\n");
    md.append("Open loop at a constant rate; latency from each webhook's intended send time to its answer, so a "
        + "stalled server cannot hide its queue. \"Right\" means the called company's own TwiML for its routing "
        + "mode; \"deferred\" means the holding answer (TwiML not back within the reply budget). The last two "
        + "columns split the path, from the events' own timestamps: ingress receipt → resolver, and resolver → "
        + "call-handler's TwiML; the remainder is the reply's hop back to the ingress and HTTP.\n\n");
    md.append("| Offered /s | Sent | Right | Deferred | Errors | p50 ms | p99 ms | p99.9 ms | max ms | Sustained "
        + "| → resolver p50 / p99 ms | → TwiML p50 / p99 ms |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|\n");
    for (RateStep step : results.steps()) {
      md.append(latencyRow(step.switchboard(), results.stages()));
    }
    for (Result result : results.search()) {
      md.append(latencyRow(result, results.stages()));
    }
    md.append("\n");
    md.append(results.maxSustained() == null
        ? "**Maximum sustained throughput:** no rate tried held p99 under 250 ms with every answer right.\n\n"
        : String.format(Locale.ROOT, "**Maximum sustained throughput:** %,d webhooks/s (highest rate tried with p99 "
            + "under %.0f ms and every answer right).%n%n", results.maxSustained(), BenchRun.SUSTAINED_P99_MILLIS));

    if (results.steps().stream().anyMatch(st -> st.kafkaThreeHops() != null)) {
      md.append("### The floor, measured in the same run\n\n");
      md.append(String.format(Locale.ROOT, "A trivial endpoint on the same HTTP stack (Spring MVC on Tomcat, same "
          + "JVM, same signed form, fixed TwiML), and bare Kafka produce→consume hops on the same broker with "
          + "Switchboard's producer and consumer settings (idempotent, acks=all, linger.ms=0, read_committed), "
          + "%d-byte records (a serialized webhook event), chained through three topics as a webhook's inline "
          + "path is (ingress → resolver → call-handler → ingress). Same open-loop generator, same rates.%n%n",
          results.webhookEventBytes()));
      md.append("| Offered /s | HTTP p50 / p99 ms | 1 hop p50 / p99 ms | 3 hops p50 / p99 ms | Switchboard p99 ms "
          + "| ÷ 3 hops p99 | ÷ (HTTP + 3 hops) p99 |\n");
      md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
      for (RateStep step : results.steps()) {
        if (step.kafkaThreeHops() == null) {
          continue;
        }
        double sb = step.switchboard().p(99);
        double hops = step.kafkaThreeHops().p(99);
        double http = step.trivialHttp().p(99);
        Histogram one = step.kafkaOneHopMicros();
        md.append(String.format(Locale.ROOT, "| %,d | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f | %.1f× | %.1f× |%n",
            step.rate(), step.trivialHttp().p(50), http, one.getValueAtPercentile(50) / 1000.0,
            one.getValueAtPercentile(99) / 1000.0, step.kafkaThreeHops().p(50), hops, sb, sb / hops, sb / (http + hops)));
      }
      md.append("\n");
      List<String> floorErrors = results.steps().stream()
          .filter(st -> st.kafkaThreeHops() != null && (!st.kafkaThreeHops().clean() || !st.trivialHttp().clean()))
          .map(st -> st.rate() + "/s: HTTP " + st.trivialHttp().outcomes() + ", Kafka " + st.kafkaThreeHops().outcomes())
          .toList();
      if (!floorErrors.isEmpty()) {
        md.append("Baseline operations that did not complete: ").append(floorErrors).append("\n\n");
      }
    }

    LossCheck.Report loss = results.loss();
    md.append("### No loss\n\n");
    md.append("Every webhook answered 2xx in this run (load steps, warm-up, probes), looked up afterwards by CallSid "
        + "on `" + Topics.WEBHOOKS.name() + "` and `" + Topics.CALL_EVENTS.name() + "` (CALL_ROUTED or "
        + "CALL_UNROUTABLE, and CALL_ANSWERED_INLINE or CALL_DEFERRED) by a plain consumer.\n\n");
    md.append("| Answered 2xx | On " + Topics.WEBHOOKS.name() + " | Duplicates there | With their call events "
        + "| Missing webhook | Missing call events |\n");
    md.append("|---:|---:|---:|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %,d | %,d | %,d |%n%n", loss.answered(),
        loss.onWebhooks(), loss.duplicatesOnWebhooks(), loss.withCallEvents(), loss.missingWebhook(),
        loss.missingCallEvents()));
    if (!loss.sampleMissing().isEmpty()) {
      md.append("Missing, for example: ").append(loss.sampleMissing()).append("\n\n");
    }

    ConfigPropagation.Result propagation = results.propagation();
    Histogram p = propagation.micros();
    md.append("### Config propagation\n\n");
    md.append("A company's routing mode changed in MongoDB, then its number called every 5 ms until an answer "
        + "carries the new mode's TwiML; the time includes that last webhook's own round trip.\n\n");
    md.append("| Writes | p50 ms | p99 ms | max ms | Not applied within 30 s |\n|---:|---:|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %d |%n%n", p.getTotalCount(),
        p.getValueAtPercentile(50) / 1000.0, p.getValueAtPercentile(99) / 1000.0, p.getMaxValue() / 1000.0,
        propagation.timedOut()));

    if (!micro.isEmpty()) {
      md.append("### Hot functions (JMH, average time per call)\n\n| Benchmark | ns/op | ± (99.9%) |\n|---|---:|---:|\n");
      for (Microbenchmarks.Score score : micro) {
        md.append(String.format(Locale.ROOT, "| `%s` | %,.0f | %,.0f |%n", score.name(), score.nanos(), score.error()));
      }
      md.append("\n");
    }
    if (!results.problems().isEmpty()) {
      md.append("### Wrong or missing answers seen (first few)\n\n");
      results.problems().forEach(problem -> md.append("- ").append(problem.replace("|", "\\|")).append("\n"));
      md.append("\n");
    }
    return md.toString();
  }

  private static String latencyRow(Result r, StageBreakdown breakdown) {
    long errors = r.count(Outcome.HTTP_ERROR) + r.count(Outcome.NO_ANSWER) + r.count(Outcome.WRONG_ANSWER);
    StageBreakdown.Stages stages = breakdown.between(r.startedAtMillis(), r.endedAtMillis());
    return String.format(Locale.ROOT, "| %,.0f | %,d | %,d | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %s "
            + "| %d / %d | %d / %d |%n",
        r.offeredRate(), r.sent(), r.count(Outcome.OK), r.count(Outcome.DEFERRED), errors, r.p(50), r.p(99),
        r.p(99.9), r.maxMillis(), BenchRun.sustained(r) ? "yes" : "no",
        stages.toResolver().getValueAtPercentile(50), stages.toResolver().getValueAtPercentile(99),
        stages.toTwiml().getValueAtPercentile(50), stages.toTwiml().getValueAtPercentile(99));
  }

  /** Replaces what follows the results marker in the document (or appends the marker and the results). */
  public static void writeInto(Path document, String results) throws IOException {
    String existing = Files.exists(document) ? Files.readString(document) : "# Benchmarks\n\n";
    int at = existing.indexOf(RESULTS_MARKER);
    String head = at < 0 ? existing + (existing.endsWith("\n") ? "\n" : "\n\n") : existing.substring(0, at);
    Files.writeString(document, head + RESULTS_MARKER + "\n\n" + results);
  }
}
